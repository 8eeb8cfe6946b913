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
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Bing's image search, the second engine: the {@code images/async} page lists results as
 * {@code <a class="iusc" m='{"murl":..., "turl":..., "purl":..., "t":...}'>}, paged by {@code first}.
 */
public final class Bing implements ImageSearch {

    public static final String NAME = "bing";
    public static final String DEFAULT_URL = "https://www.bing.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 35;
    private static final int MAX_PAGES = 40;

    private final String base;
    private final PoliteClient client;

    /** The engine at {@code baseUrl}, following redirects to other hosts only when they are public. */
    public Bing(String baseUrl, Politeness politeness, long seed) {
        this(baseUrl, politeness, seed, HostGuard::isPublic);
    }

    /** The engine at {@code baseUrl}, following redirects to hosts whose addresses {@code allowedAddress} accepts. */
    public Bing(String baseUrl, Politeness politeness, long seed, java.util.function.Predicate<java.net.InetAddress> allowedAddress) {
        this.base = DuckDuckGo.stripSlash(baseUrl);
        this.client = new PoliteClient(NAME, politeness, seed, allowedAddress);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SearchResult> search(String query, int wanted) throws SearchException {
        String q = URLEncoder.encode(query, StandardCharsets.UTF_8);
        Set<String> seen = new LinkedHashSet<>();
        List<SearchResult> results = new ArrayList<>();
        int first = 0;
        for (int page = 0; page < MAX_PAGES && results.size() < wanted; page++) {
            String url = base + "/images/async?q=" + q + "&first=" + first + "&count=" + PAGE + "&mmasync=1";
            Document doc = Jsoup.parse(client.get(url, Map.of("Referer", base + "/images/search?q=" + q)), url);
            int found = 0;
            int before = results.size();
            for (Element a : doc.select("a.iusc")) {
                found++;
                JsonNode m = metadata(a.attr("m"));
                String image = m.path("murl").asText("");
                if (!image.isEmpty() && seen.add(image) && results.size() < wanted) {
                    results.add(new SearchResult(NAME, image, m.path("turl").asText(""), m.path("purl").asText(""),
                            m.path("t").asText(""), 0, 0, ""));
                }
            }
            if (found == 0 || results.size() == before) {
                break;
            }
            first += found;
        }
        return results;
    }

    private static JsonNode metadata(String m) {
        try {
            JsonNode json = JSON.readTree(m);
            return json == null ? JSON.createObjectNode() : json;
        } catch (IOException e) {
            return JSON.createObjectNode(); // one damaged result, not a damaged page
        }
    }
}
