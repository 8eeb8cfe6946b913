package net.lennonnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lennonnet.data.synthetic.DemoImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.datavec.api.records.metadata.RecordMetaDataURI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Training (DataVec's ImageRecordReader on dataset files) and prediction (decoded image) see the same tensor. */
class OnePreprocessingPathTest {

    @TempDir
    Path tmp;

    @Test
    void trainingAndPredictionInputsAreIdentical() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(100).write(raw, 8, 3);
        new DatasetBuilder(new DatasetConfig(raw, tmp.resolve("ds"), 2, 0.1, 1, Images.DEFAULT_MAX_PIXELS)).build();
        InputContract contract = InputContract.square(64);

        DataSetIterator it = DatasetIterators.of(Dataset.open(tmp.resolve("ds")), Split.TRAIN, contract, 4, 5);
        assertThat(it.getLabels()).containsExactly("john", "not_john");
        DataSet batch = it.next();
        assertThat(batch.getFeatures().shape()).containsExactly(4, 3, 64, 64);
        int checked = 0;
        for (int i = 0; i < 4; i++) {
            URI file = ((RecordMetaDataURI) batch.getExampleMetaData().get(i)).getURI();
            INDArray viaPrediction = ImagePipeline.of(contract).storedInput(Path.of(file));
            INDArray viaTraining = batch.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1));
            assertThat(viaPrediction.equalsWithEps(viaTraining, 1e-4)).as("image %s", file).isTrue();
            String folder = Path.of(file).getParent().getFileName().toString();
            assertThat(batch.getLabels().getDouble(i, folder.equals("john") ? 0 : 1)).isEqualTo(1.0);
            checked++;
        }
        assertThat(checked).isEqualTo(4);
    }

    @Test
    void aScrapedPhotoAndTheSameUploadedPhotoReachTheNetworkAsTheSameTensor() throws IOException {
        // a 2400 x 1800 "photo": the scraper stores it scaled to 1024; an upload arrives at full size
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(2400, 1800,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = photo.createGraphics();
        for (int i = 0; i < 60; i++) {
            g.setColor(new java.awt.Color((i * 37) % 256, (i * 91) % 256, (i * 53) % 256));
            g.fillOval((i * 173) % 2300, (i * 97) % 1700, 40 + i * 7, 30 + i * 5);
        }
        g.dispose();
        Path raw = tmp.resolve("raw");
        new DemoImages(100).write(raw, 8, 3);
        Path scraped = raw.resolve("john/scraped.png");
        javax.imageio.ImageIO.write(Images.fitWithin(photo, Images.WORKING_SIDE), "png", scraped.toFile());
        new DatasetBuilder(new DatasetConfig(raw, tmp.resolve("ds"), 2, 0.1, 1, Images.DEFAULT_MAX_PIXELS)).build();
        Path stored;
        try (var files = Files.walk(tmp.resolve("ds"))) {
            String id = net.lennonnet.model.io.Hashes.sha256(scraped).substring(0, 16);
            stored = files.filter(p -> p.getFileName().toString().equals(id + ".png")).findFirst().orElseThrow();
        }
        ImagePipeline pipeline = ImagePipeline.of(InputContract.square(224));
        INDArray viaDataset = pipeline.storedInput(stored);
        INDArray viaUpload = pipeline.input(photo).tensor();
        assertThat(viaUpload.equalsWithEps(viaDataset, 1e-4)).isTrue();
        // the direct resize from full size that uploads used to get is another input
        assertThat(pipeline.toInput(photo).equalsWithEps(viaDataset, 1e-4)).isFalse();
    }

    @Test
    void analysisSetsAreReadWithTheirExpectedLabel() throws IOException {
        Path raw = tmp.resolve("raw");
        new DemoImages(100).write(raw, 8, 3);
        new DemoImages(100).write(tmp.resolve("more"), 5, 9);
        Files.createDirectories(raw.resolve("analysis"));
        Files.move(tmp.resolve("more/not_john"), raw.resolve("analysis/ringo"));
        DatasetReport report = new DatasetBuilder(new DatasetConfig(raw, tmp.resolve("ds"), 2, 0.1, 1,
                Images.DEFAULT_MAX_PIXELS, 0, Preparation.WHOLE)).build();
        int ringo = report.analysis().get("ringo");
        assertThat(ringo).isPositive();

        DataSetIterator it = DatasetIterators.analysis(tmp.resolve("ds"), "ringo", "not_john", InputContract.square(64), 64);
        assertThat(it.getLabels()).containsExactly("john", "not_john");
        DataSet all = it.next();
        assertThat(all.numExamples()).isEqualTo(ringo);
        for (int i = 0; i < ringo; i++) {
            assertThat(all.getLabels().getDouble(i, 1)).isEqualTo(1.0);
        }
        assertThatThrownBy(() -> DatasetIterators.analysis(tmp.resolve("ds"), "paul", "not_john",
                InputContract.square(64), 4)).hasMessageContaining("no analysis set 'paul'");
    }
}
