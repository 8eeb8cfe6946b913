package net.lennonnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.lennonnet.model.InputContract;
import net.lennonnet.model.Labels;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.split.FileSplit;
import org.datavec.image.loader.NativeImageLoader;
import org.datavec.image.recordreader.ImageRecordReader;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * DataVec ingestion of a dataset split: {@code ImageRecordReader} over the split's class folders,
 * resized and normalised by the model's {@link InputContract}, labels in {@link Labels#ALL} order.
 * Each example carries its file as metadata, so results can be traced back to images.
 */
public final class DatasetIterators {

    private DatasetIterators() {}

    /**
     * An iterator over one split of a dataset written by {@link DatasetBuilder}.
     *
     * @param shuffleSeed order of the files; the same seed gives the same order
     */
    public static DataSetIterator of(Path dataset, Split split, InputContract contract, int batchSize, long shuffleSeed)
            throws IOException {
        return of(dataset.resolve(split.folder()), contract, batchSize, shuffleSeed);
    }

    /** An iterator over a folder holding exactly the class folders {@code john/} and {@code not_john/}. */
    public static DataSetIterator of(Path classFolders, InputContract contract, int batchSize, long shuffleSeed)
            throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        for (String label : Labels.ALL) {
            if (!Files.isDirectory(classFolders.resolve(label))) {
                throw new IOException("missing class folder " + classFolders.resolve(label));
            }
        }
        ImageRecordReader reader = new ImageRecordReader(contract.height(), contract.width(), 3,
                new ParentPathLabelGenerator());
        reader.initialize(new FileSplit(classFolders.toFile(), NativeImageLoader.ALLOWED_FORMATS,
                new Random(shuffleSeed)));
        if (!Labels.ALL.equals(reader.getLabels())) {
            throw new IOException("class folders in " + classFolders + " give labels " + reader.getLabels()
                    + ", expected " + Labels.ALL);
        }
        RecordReaderDataSetIterator iterator = new RecordReaderDataSetIterator(reader, batchSize, 1, Labels.ALL.size());
        iterator.setCollectMetaData(true);
        iterator.setPreProcessor(contract.preProcessor());
        return iterator;
    }
}
