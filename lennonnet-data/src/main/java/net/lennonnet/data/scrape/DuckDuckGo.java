package net.lennonnet.data.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DuckDuckGo's image search, as its own web page uses it: the search page carries a {@code vqd}
 * token, which the JSON endpoint {@code i.js} requires; each JSON page names the {@code next} one.
 */
public final class DuckDuckGo implements ImageSearch {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DuckDuckGo.class);

    public static final String NAME = "duckduckgo";
    public static final String DEFAULT_URL = "https://duckduckgo.com";

    /** The token has appeared as vqd="4-123", vqd=4-123& and vqd='4-123'. */
    private static final Pattern VQD = Pattern.compile("vqd\\s*=\\s*[\"']?([0-9][0-9A-Za-z_-]*)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 50;

    private final String base;
    private final PoliteClient client;

    /** The engine at {@code baseUrl}, following redirects to other hosts only when they are public. */
    public DuckDuckGo(String baseUrl, Politeness politeness, long seed) {
        this(baseUrl, politeness, seed, HostGuard::isPublic);
    }

    /** The engine at {@code baseUrl}, following redirects to hosts whose addresses {@code allowedAddress} accepts. */
    public DuckDuckGo(String baseUrl, Politeness politeness, long seed, java.util.function.Predicate<java.net.InetAddress> allowedAddress) {
        this.base = stripSlash(baseUrl);
        this.client = new PoliteClient(NAME, politeness, seed, allowedAddress);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SearchResult> search(String query, int wanted) throws SearchException {
        String q = URLEncoder.encode(query, StandardCharsets.UTF_8);
        String vqd = vqd(client.get(base + "/?q=" + q + "&iax=images&ia=images", Map.of()));
        Map<String, String> headers = Map.of("Referer", base + "/", "Accept", "application/json, text/javascript, */*",
                "X-Requested-With", "XMLHttpRequest");
        String next = base + "/i.js?l=us-en&o=json&q=" + q + "&vqd=" + vqd + "&f=,,,,,&p=1";
        Set<String> seen = new LinkedHashSet<>();
        List<SearchResult> results = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES && next != null && results.size() < wanted; page++) {
            JsonNode json = parse(client.get(next, headers), next);
            int before = results.size();
            for (JsonNode r : json.path("results")) {
                String image = r.path("image").asText("");
                if (!image.isEmpty() && seen.add(image) && results.size() < wanted) {
                    results.add(new SearchResult(NAME, image, r.path("thumbnail").asText(""), r.path("url").asText(""),
                            r.path("title").asText(""), r.path("width").asInt(0), r.path("height").asInt(0),
                            r.path("source").asText("")));
                }
            }
            String following = json.path("next").asText("");
            if (following.isEmpty() || results.size() == before) {
                break;
            }
            if (following.startsWith("http") || following.startsWith("//")) {
                // The answer is untrusted: an absolute next page is followed only on the engine's own host.
                if (!sameOrigin(base, following.startsWith("//") ? "https:" + following : following)) {
                    log.warn("DuckDuckGo named a next page on another host ({}): not followed", following);
                    break;
                }
                next = following;
            } else {
                next = base + "/" + stripLeadingSlash(following);
            }
            if (!next.contains("vqd=")) {
                next += "&vqd=" + vqd;
            }
        }
        return results;
    }

    /** The vqd token in a search page. */
    static String vqd(String page) throws SearchException {
        Matcher m = VQD.matcher(page);
        if (!m.find()) {
            throw new SearchException(NAME, 200, "no vqd token in the search page (DuckDuckGo may have changed it)");
        }
        return m.group(1);
    }

    private static JsonNode parse(String body, String url) throws SearchException {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new SearchException(NAME, 200, "i.js did not answer a JSON object for " + url);
            }
            return json;
        } catch (IOException e) {
            throw new SearchException(NAME, 200, "invalid JSON from " + url + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Whether {@code url} has the scheme, host and port of {@code base}; a malformed URL has not. */
    static boolean sameOrigin(String base, String url) {
        try {
            java.net.URI b = java.net.URI.create(base);
            java.net.URI u = java.net.URI.create(url);
            return b.getScheme().equalsIgnoreCase(String.valueOf(u.getScheme())) && u.getHost() != null
                    && b.getHost().equalsIgnoreCase(u.getHost()) && b.getPort() == u.getPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String stripLeadingSlash(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }
}
