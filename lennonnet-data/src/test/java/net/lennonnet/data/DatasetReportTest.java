package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports written before the preparation had one name still say how their images were prepared. */
class DatasetReportTest {

    @Test
    void aReportWithTheTwoOldFlagsReadsAsItsPreparation(@TempDir Path tmp) throws IOException {
        String old = "{\"counts\":{},\"analysis\":{},\"rejected\":{},\"duplicates\":0,\"nearDuplicates\":0,"
                + "\"labelConflicts\":0,\"leakage\":0,\"byQuery\":{},\"byEngine\":{},\"sizes\":{},"
                + "\"nearDuplicateDistance\":4,\"faceCrop\":%s,\"faceAlign\":%s,\"faces\":3,\"manifestSha256\":\"\"}";
        for (var c : new Object[][] {{"true", "false", Preparation.FACE_CROP}, {"false", "true", Preparation.FACE_ALIGN},
            {"false", "false", Preparation.WHOLE}}) {
            Path ds = Files.createDirectories(tmp.resolve(c[0] + "-" + c[1]));
            Files.writeString(ds.resolve(Dataset.REPORT), old.formatted(c[0], c[1]));
            assertThat(Dataset.at(ds).preparation()).isEqualTo(c[2]);
        }
        DatasetReport report = Dataset.at(tmp.resolve("true-false")).report().orElseThrow();
        String written = new ObjectMapper().writeValueAsString(report);
        assertThat(written).contains("\"preparation\":\"FACE_CROP\"").doesNotContain("faceCrop");
        assertThat(new ObjectMapper().readValue(written, DatasetReport.class)).isEqualTo(report);
    }
}
