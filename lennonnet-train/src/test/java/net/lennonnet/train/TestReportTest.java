package net.lennonnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportTest {

    @TempDir
    Path dir;

    @Test
    void countsRightAndWrongPerClassAtTheThreshold() throws IOException {
        double[] p = {0.9, 0.6, 0.4, 0.1, 0.7, 0.5};
        boolean[] john = {true, true, true, false, false, false};
        TestReport report = TestReport.of(p, john, 0.5);
        assertThat(report.johnCorrect()).isEqualTo(2);
        assertThat(report.johnTotal()).isEqualTo(3);
        assertThat(report.notJohnCorrect()).isEqualTo(1); // 0.5 counts as john
        assertThat(report.notJohnTotal()).isEqualTo(3);
        assertThat(report.accuracy()).isEqualTo(0.5);
        assertThat(report.histograms2().get("john").counts()).containsExactly(1, 2);
        assertThat(report.histograms2().get("not_john").counts()).containsExactly(1, 2);

        report.write(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("test-report.json").toFile());
        assertThat(json.get("johnCorrect").asInt()).isEqualTo(2);
        assertThat(json.get("histograms25").get("not_john")).hasSize(25);
        assertThat(json.get("histograms2").get("john")).hasSize(2);
        var png = ImageIO.read(dir.resolve("p-john-john-25bins.png").toFile());
        assertThat(png.getWidth()).isEqualTo(720);
        assertThat(Files.size(dir.resolve("p-john-not_john-2bins.png"))).isPositive();
    }

    @Test
    void classWeightsBalanceTheOriginalImbalance() {
        double[] w = TrainingSet.classWeights(new int[] {1320, 11481});
        // each class then carries half of the total weight
        assertThat(w[0] * 1320).isCloseTo(w[1] * 11481, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(TrainingSet.classWeights(new int[] {50, 50})).containsExactly(1.0, 1.0);
    }
}
