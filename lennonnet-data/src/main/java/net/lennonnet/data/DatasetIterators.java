package net.lennonnet.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.lennonnet.model.graph.Labels;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.io.labels.PathLabelGenerator;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
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
    public static DataSetIterator of(Dataset dataset, Split split, InputContract contract, int batchSize, long shuffleSeed)
            throws IOException {
        return of(dataset.folder(split), contract, batchSize, shuffleSeed);
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
        ImagePipeline pipeline = ImagePipeline.of(contract);
        ImageRecordReader reader = pipeline.recordReader(new ParentPathLabelGenerator());
        reader.initialize(new FileSplit(classFolders.toFile(), NativeImageLoader.ALLOWED_FORMATS,
                new Random(shuffleSeed)));
        if (!Labels.ALL.equals(reader.getLabels())) {
            throw new IOException("class folders in " + classFolders + " give labels " + reader.getLabels()
                    + ", expected " + Labels.ALL);
        }
        RecordReaderDataSetIterator iterator = new RecordReaderDataSetIterator(reader, batchSize, 1, Labels.ALL.size());
        iterator.setCollectMetaData(true);
        iterator.setPreProcessor(pipeline.normaliser());
        return iterator;
    }

    /**
     * An iterator over an analysis set written by {@link DatasetBuilder} ({@code analysis/<set>/}),
     * every image labelled {@code expectedLabel} (for the other Beatles: {@code not_john}).
     */
    public static DataSetIterator analysis(Path dataset, String set, String expectedLabel, InputContract contract,
            int batchSize) throws IOException {
        if (!Labels.ALL.contains(expectedLabel)) {
            throw new IllegalArgumentException("expected label must be one of " + Labels.ALL + ", got " + expectedLabel);
        }
        Path folder = dataset.resolve(DatasetBuilder.ANALYSIS_SPLIT).resolve(set);
        if (!Files.isDirectory(folder)) {
            throw new IOException("no analysis set '" + set + "': " + folder + " is not a folder");
        }
        ImagePipeline pipeline = ImagePipeline.of(contract);
        ImageRecordReader reader = pipeline.recordReader(new FixedLabel(expectedLabel));
        reader.initialize(new FileSplit(folder.toFile(), NativeImageLoader.ALLOWED_FORMATS));
        reader.setLabels(Labels.ALL);
        RecordReaderDataSetIterator iterator = new RecordReaderDataSetIterator(reader, batchSize, 1, Labels.ALL.size());
        iterator.setCollectMetaData(true);
        iterator.setPreProcessor(pipeline.normaliser());
        return iterator;
    }

    /** One label for every file of a folder, given as its index (the reader does not map it when not inferring). */
    private record FixedLabel(String label) implements PathLabelGenerator {
        @Override
        public Writable getLabelForPath(String path) {
            return new IntWritable(Labels.ALL.indexOf(label));
        }

        @Override
        public Writable getLabelForPath(URI uri) {
            return getLabelForPath(uri.toString());
        }

        @Override
        public boolean inferLabelClasses() {
            return false;
        }
    }
}
