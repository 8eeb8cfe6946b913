package net.lennonnet.train.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import net.lennonnet.train.run.RunFolder;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;

/**
 * The Lennonnet page of the DL4J dashboard ({@code /lennonnet}): training and validation loss,
 * validation accuracy, learning rate and epoch time per epoch, read from the attached stats
 * storage, so a replayed run shows them too. DL4J's own pages have no validation-loss chart.
 *
 * <p>Loaded by the DL4J UI server through {@code META-INF/services/org.deeplearning4j.ui.api.UIModule}.
 * JSON: {@code /lennonnet/sessions} lists runs, {@code /lennonnet/data/:sessionId} gives their epochs.
 */
public final class LennonnetUiModule implements UIModule {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<StatsStorage> storages = new CopyOnWriteArrayList<>();

    /** Where a "Try Lennonnet" page for the run's model is served, once one is. */
    private static volatile String tryUrl;

    /** The run's folder, where the evaluation and analysis reports appear. */
    private static volatile RunFolder runFolder;

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,120}");
    /** The reports the page shows, by the name in their URLs: where they are in a run folder, and their JSON file. */
    private record Report(java.util.function.Function<RunFolder, Path> folder, String json) {}

    private static final Map<String, Report> REPORTS = Map.of(
            "evaluation", new Report(RunFolder::evaluation, "evaluation.json"),
            "analysis", new Report(RunFolder::analysis, "analysis.json"));
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "html",
            "text/html; charset=utf-8", "json", "application/json", "csv", "text/csv; charset=utf-8");

    /** Tells the page where the run's reports are written (null: nowhere). */
    static void runFolder(RunFolder folder) {
        runFolder = folder;
    }

    /** Makes the Lennonnet page link to a running "Try Lennonnet" page (null: no link). */
    static void advertiseTryPage(String url) {
        tryUrl = url;
    }

    @Override
    public List<String> getCallbackTypeIDs() {
        return List.of(EpochRecord.TYPE_ID);
    }

    @Override
    public List<Route> getRoutes() {
        return List.of(
                new Route("/lennonnet", HttpMethod.GET, (params, rc) -> page(rc)),
                new Route("/lennonnet/sessions", HttpMethod.GET, (params, rc) -> json(rc, sessions())),
                new Route("/lennonnet/links", HttpMethod.GET, (params, rc) -> json(rc,
                        tryUrl == null ? java.util.Map.of() : java.util.Map.of("tryUrl", tryUrl))),
                new Route("/lennonnet/data/:sessionId", HttpMethod.GET, (params, rc) -> json(rc, epochs(params.get(0)))),
                new Route("/lennonnet/reports", HttpMethod.GET, (params, rc) -> json(rc, reports())),
                new Route("/lennonnet/files/:kind/:name", HttpMethod.GET,
                        (params, rc) -> file(rc, params.get(0), null, params.get(1))),
                new Route("/lennonnet/files/:kind/gallery/:name", HttpMethod.GET,
                        (params, rc) -> file(rc, params.get(0), "gallery", params.get(1))));
    }

    /**
     * The run's evaluation and analysis reports as written by {@code lennonnet evaluate} and
     * {@code analyze} into the model folder, read on each request so results written after training
     * appear on the next refresh; absent ones are left out.
     */
    Map<String, Object> reports() {
        Map<String, Object> found = new java.util.LinkedHashMap<>();
        RunFolder folder = runFolder;
        if (folder == null) {
            return found;
        }
        REPORTS.forEach((kind, report) -> {
            Path file = report.folder().apply(folder).resolve(report.json());
            if (Files.isRegularFile(file)) {
                try {
                    JsonNode json = JSON.readTree(file.toFile());
                    if (json instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        o.remove("roc"); // hundreds of points the page does not draw; the PNG has them
                    }
                    found.put(kind, json);
                } catch (IOException e) {
                    found.put(kind, Map.of("error", "unreadable " + file.getFileName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
                }
            }
        });
        return found;
    }

    /** A report file (chart, page, CSV, gallery thumbnail); only plain names in the two report folders. */
    private static void file(RoutingContext rc, String kind, String sub, String name) {
        RunFolder folder = runFolder;
        int dot = name.lastIndexOf('.');
        String type = dot > 0 ? TYPES.get(name.substring(dot + 1)) : null;
        if (folder == null || !REPORTS.containsKey(kind) || !FILE_NAME.matcher(name).matches() || name.contains("..")
                || type == null) {
            rc.response().setStatusCode(404).end("not found");
            return;
        }
        Path dir = REPORTS.get(kind).folder().apply(folder);
        Path file = (sub == null ? dir : dir.resolve(sub)).resolve(name);
        if (!Files.isRegularFile(file)) {
            rc.response().setStatusCode(404).end("not found");
            return;
        }
        try {
            rc.response().putHeader("content-type", type)
                    .end(io.vertx.core.buffer.Buffer.buffer(Files.readAllBytes(file)));
        } catch (IOException e) {
            rc.response().setStatusCode(500).end("could not read " + name);
        }
    }

    /** Sessions that have Lennonnet epoch records, oldest first. */
    public List<String> sessions() {
        List<String> ids = new ArrayList<>();
        for (StatsStorage storage : storages) {
            for (String session : storage.listSessionIDs()) {
                if (storage.listTypeIDsForSession(session).contains(EpochRecord.TYPE_ID) && !ids.contains(session)) {
                    ids.add(session);
                }
            }
        }
        return ids;
    }

    /** The epochs stored for a session, in epoch order. */
    public List<EpochStats> epochs(String sessionId) {
        List<EpochStats> epochs = new ArrayList<>();
        for (StatsStorage storage : storages) {
            for (Persistable p : storage.getAllUpdatesAfter(sessionId, EpochRecord.TYPE_ID, 0)) {
                if (p instanceof EpochRecord record && record.stats().epoch() > 0) {
                    epochs.add(record.stats());
                }
            }
        }
        epochs.sort(Comparator.comparingInt(EpochStats::epoch));
        return epochs;
    }

    @Override
    public void reportStorageEvents(Collection<StatsStorageEvent> events) {
        // The page polls /lennonnet/data; nothing to push.
    }

    @Override
    public void onAttach(StatsStorage storage) {
        storages.add(storage);
    }

    @Override
    public void onDetach(StatsStorage storage) {
        storages.remove(storage);
    }

    @Override
    public List<I18NResource> getInternationalizationResources() {
        return List.of();
    }

    private static void json(RoutingContext rc, Object body) {
        try {
            rc.response().putHeader("content-type", "application/json").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            rc.response().setStatusCode(500).end("{\"error\":\"could not encode the run\"}");
        }
    }

    private static void page(RoutingContext rc) {
        rc.response().putHeader("content-type", "text/html; charset=utf-8").end(PAGE);
    }

    private static final String PAGE = load("lennonnet.html");

    private static String load(String name) {
        try (InputStream in = LennonnetUiModule.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the Lennonnet jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
