package net.lennonnet.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.lennonnet.model.FileAnswers;

/**
 * {@code predict}'s table of answers, one row per file, as CSV or as JSON lines, with the columns
 * {@link #COLUMNS}. Rows are appended and flushed batch by batch, so a run that is stopped leaves every
 * answered batch in the file; {@link #resume} reads them back (a torn last line is cut off) so that the
 * next run skips those files.
 */
final class AnswerTable implements AutoCloseable {

    /** The columns, in order. */
    static final List<String> COLUMNS = FileAnswers.COLUMNS;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** CSV or JSON lines, by the option that named the file. */
    enum Format { CSV, JSON_LINES }

    private final Format format;
    private final BufferedWriter out;
    private final double threshold;
    private final String modelSha256;

    private AnswerTable(Format format, BufferedWriter out, double threshold, String modelSha256) {
        this.format = format;
        this.out = out;
        this.threshold = threshold;
        this.modelSha256 = modelSha256;
    }

    /** A new table in {@code file} (replacing what was there), with the CSV header. */
    static AnswerTable create(Path file, Format format, double threshold, String modelSha256) throws IOException {
        AnswerTable table = new AnswerTable(format, Files.newBufferedWriter(file, StandardCharsets.UTF_8), threshold,
                modelSha256);
        if (format == Format.CSV) {
            table.out.write(String.join(",", COLUMNS));
            table.out.newLine();
            table.out.flush();
        }
        return table;
    }

    /**
     * The paths {@code file} already answers, for a run that goes on where an earlier one stopped; the
     * file is cut after its last whole row and kept open for appending. Answers of another model are an
     * error: they would mix two models in one table.
     */
    static AnswerTable resume(Path file, Format format, double threshold, String modelSha256, Set<String> answered)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            return create(file, format, threshold, modelSha256);
        }
        cutTornLine(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int start = 0;
        if (format == Format.CSV) {
            if (lines.isEmpty() || !lines.get(0).equals(String.join(",", COLUMNS))) {
                throw new IOException(file + " is not a table 'predict --csv' wrote (its first line is not the header "
                        + String.join(",", COLUMNS) + "): choose another file to resume into");
            }
            start = 1;
        }
        for (String line : lines.subList(start, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> row = format == Format.CSV ? csvRow(line, file) : jsonRow(line, file);
            if (!modelSha256.equals(row.get("model_sha256"))) {
                throw new IOException(file + " holds answers of another model (" + row.get("model_sha256") + ", this one is "
                        + modelSha256 + "): write to another file, or delete it to start again");
            }
            answered.add(row.get("path"));
        }
        return new AnswerTable(format, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND),
                threshold, modelSha256);
    }

    /** Appends one batch's rows and flushes them. */
    void write(List<FileAnswers.Answer> batch) throws IOException {
        for (FileAnswers.Answer a : batch) {
            Map<String, Object> row = row(a, threshold, modelSha256);
            if (format == Format.CSV) {
                List<String> cells = new ArrayList<>();
                for (String column : COLUMNS) {
                    Object v = row.get(column);
                    cells.add(v == null ? "" : csv(v.toString()));
                }
                out.write(String.join(",", cells));
            } else {
                out.write(JSON.writeValueAsString(row));
            }
            out.newLine();
        }
        out.flush();
    }

    /** One answer as the table's row: every column, empty ones as null. */
    static Map<String, Object> row(FileAnswers.Answer a, double threshold, String modelSha256) {
        List<Object> cells = a.cells(threshold, modelSha256);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            row.put(COLUMNS.get(i), cells.get(i));
        }
        return row;
    }

    static String csv(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    /** A CSV row of this table (RFC 4180 quoting) by column name. */
    static Map<String, String> csvRow(String line, Path file) throws IOException {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        if (cells.size() != COLUMNS.size()) {
            throw new IOException(file + ": a row has " + cells.size() + " cells, the table " + COLUMNS.size() + ": " + line);
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            row.put(COLUMNS.get(i), cells.get(i));
        }
        return row;
    }

    private static Map<String, String> jsonRow(String line, Path file) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IOException(file + ": not a JSON line 'predict --jsonl' wrote: " + line, e);
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (String column : COLUMNS) {
            JsonNode v = node.get(column);
            row.put(column, v == null || v.isNull() ? "" : v.asText());
        }
        return row;
    }

    /** Cuts the file after its last newline: a row a stopped run was writing is dropped, and answered again. */
    private static void cutTornLine(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            long keep = end;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < end) {
                raf.setLength(keep);
            }
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
