package net.lennonnet.data.scrape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/**
 * A local web for scraper tests: one real HTTP server that answers as DuckDuckGo (search page with
 * a vqd token, then paged {@code i.js} JSON), as Bing ({@code images/async} HTML with {@code a.iusc}
 * results) and as the image hosts, in the shapes recorded from the real services. Faults are
 * injected per path or per engine.
 */
public final class FakeWeb implements Closeable {

    /** How the search page spells the vqd token; NONE leaves it out. */
    public enum Vqd { DOUBLE_QUOTED, AMPERSAND, SINGLE_QUOTED, NONE }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "4-21837562598163729817264533";

    private final MockWebServer server = new MockWebServer();
    private final Map<String, List<String>> results = new ConcurrentHashMap<>();
    private final Map<String, Supplier<MockResponse>> paths = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Statuses DuckDuckGo answers, one per request, before it behaves. */
    public final Queue<Integer> duckduckgoFaults = new ConcurrentLinkedQueue<>();
    /** Statuses Bing answers, one per request, before it behaves. */
    public final Queue<Integer> bingFaults = new ConcurrentLinkedQueue<>();
    public volatile Vqd vqd = Vqd.DOUBLE_QUOTED;
    /** DuckDuckGo answers every request with this status when non-zero. */
    public volatile int duckduckgoAlways;
    /** i.js answers this body instead of JSON when non-null. */
    public volatile String duckduckgoBody;
    public volatile int pageSize = 10;
    /** When set, i.js names its next page with this absolute prefix (another host, for the guard test). */
    public volatile String nextPrefix = "";
    /** Delay before the headers of every image answer. */
    public volatile long imageLatencyMillis;

    public FakeWeb() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** The absolute URL of a served path. */
    public String url(String path) {
        return url() + path;
    }

    /** Serves {@code bytes} as an image at {@code path}. */
    public FakeWeb image(String path, byte[] bytes) {
        return respond(path, () -> new MockResponse().setHeader("Content-Type", "image/jpeg")
                .setBody(new Buffer().write(bytes)).setHeadersDelay(imageLatencyMillis, TimeUnit.MILLISECONDS));
    }

    /** Answers {@code path} with whatever {@code response} makes, each time it is asked. */
    public FakeWeb respond(String path, Supplier<MockResponse> response) {
        paths.put(path, response);
        return this;
    }

    /** The image URLs (absolute, or paths on this server) both engines return for {@code query}. */
    public FakeWeb results(String query, List<String> urls) {
        results.put(query, List.copyOf(urls));
        return this;
    }

    /** Requests seen for a path ("/i.js", "/images/async", "/", "/img/a.jpg"). */
    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private MockResponse answer(RecordedRequest request) {
        HttpUrl url = request.getRequestUrl();
        String path = url.encodedPath();
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        try {
            switch (path) {
                case "/":
                    return duckduckgoFault().orElseGet(() -> searchPage(url.queryParameter("q")));
                case "/i.js":
                    return duckduckgoFault().orElseGet(() -> duckduckgoJson(url));
                case "/images/async":
                    Integer bing = bingFaults.poll();
                    return bing != null ? new MockResponse().setResponseCode(bing) : bingPage(url);
                default:
                    Supplier<MockResponse> r = paths.get(path);
                    return r != null ? r.get() : new MockResponse().setResponseCode(404).setBody("not found");
            }
        } catch (RuntimeException e) {
            return new MockResponse().setResponseCode(500).setBody(String.valueOf(e));
        }
    }

    private java.util.Optional<MockResponse> duckduckgoFault() {
        Integer status = duckduckgoAlways != 0 ? Integer.valueOf(duckduckgoAlways) : duckduckgoFaults.poll();
        return status == null ? java.util.Optional.empty()
                : java.util.Optional.of(new MockResponse().setResponseCode(status).setBody("refused"));
    }

    private MockResponse searchPage(String q) {
        String token = switch (vqd) {
            case DOUBLE_QUOTED -> "vqd=\"" + TOKEN + "\",";
            case AMPERSAND -> "/d.js?q=x&vqd=" + TOKEN + "&kl=wt-wt";
            case SINGLE_QUOTED -> "vqd='" + TOKEN + "'";
            case NONE -> "";
        };
        return new MockResponse().setHeader("Content-Type", "text/html; charset=UTF-8")
                .setBody("<!DOCTYPE html><html><head><title>" + q + " at DuckDuckGo</title></head><body>"
                        + "<script>DDG.ready(function(){DDG.duckbar.load('images', {" + token + "});});</script>"
                        + "</body></html>");
    }

    private MockResponse duckduckgoJson(HttpUrl url) {
        if (!TOKEN.equals(url.queryParameter("vqd"))) {
            return new MockResponse().setResponseCode(403).setBody("bad vqd");
        }
        if (duckduckgoBody != null) {
            return new MockResponse().setHeader("Content-Type", "application/json").setBody(duckduckgoBody);
        }
        String q = url.queryParameter("q");
        int s = url.queryParameter("s") == null ? 0 : Integer.parseInt(url.queryParameter("s"));
        List<String> all = results.getOrDefault(q, List.of());
        ObjectNode json = JSON.createObjectNode();
        json.putNull("ads");
        json.put("query", q);
        json.put("response_type", "images");
        ArrayNode arr = json.putArray("results");
        for (int i = s; i < Math.min(all.size(), s + pageSize); i++) {
            String image = absolute(all.get(i));
            ObjectNode r = arr.addObject();
            r.put("height", 480);
            r.put("image", image);
            r.put("image_token", "t" + i);
            r.put("source", "Bing");
            r.put("thumbnail", "https://tse1.mm.bing.net/th?id=OIP." + i);
            r.put("title", q + " result " + i);
            r.put("url", "https://example.org/page/" + i);
            r.put("width", 640);
        }
        if (s + pageSize < all.size()) {
            json.put("next", nextPrefix + "i.js?q=" + url.queryParameter("q").replace(" ", "%20") + "&o=json&p=1&s="
                    + (s + pageSize) + "&u=bing&f=,,,,,&l=us-en");
        }
        json.putObject("vqd").put(q, TOKEN);
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(json.toString());
    }

    private MockResponse bingPage(HttpUrl url) {
        String q = url.queryParameter("q");
        int first = Integer.parseInt(url.queryParameter("first"));
        List<String> all = results.getOrDefault(q, List.of());
        StringBuilder html = new StringBuilder("<ul class=\"dgControl_list\">");
        for (int i = first; i < Math.min(all.size(), first + 35); i++) {
            ObjectNode m = JSON.createObjectNode();
            m.put("murl", absolute(all.get(i)));
            m.put("turl", "https://tse2.mm.bing.net/th?id=OIP.b" + i);
            m.put("purl", "https://example.com/bing/" + i);
            m.put("t", q + " bing " + i);
            html.append("<li><div class=\"imgpt\"><a class=\"iusc\" m='")
                    .append(m.toString().replace("&", "&amp;").replace("'", "&#39;"))
                    .append("' href=\"/images/search?view=detailV2\"><img class=\"mimg\"></a></div></li>");
        }
        html.append("</ul>");
        return new MockResponse().setHeader("Content-Type", "text/html").setBody(html.toString());
    }

    private String absolute(String urlOrPath) {
        return urlOrPath.startsWith("/") ? url(urlOrPath) : urlOrPath;
    }

    /** Paths of images served under /img/, n of them: "/img/{prefix}{i}.jpg". */
    public static List<String> paths(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("/img/" + prefix + i + ".jpg");
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
