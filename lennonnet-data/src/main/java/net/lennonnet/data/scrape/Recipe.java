package net.lennonnet.data.scrape;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.lennonnet.model.graph.Labels;

/**
 * What to scrape: per class ({@code john}, {@code not_john}) and per analysis set ({@code paul}, ...),
 * groups of search queries and how many images to keep per query. Read from YAML or JSON (YAML
 * being a superset of JSON, one parser reads both); the format is documented in docs/data.md.
 *
 * @param classes  training classes: exactly {@code john} and {@code not_john}
 * @param analysis analysis sets, never used for training; may be empty
 */
public record Recipe(Map<String, List<QueryGroup>> classes, Map<String, List<QueryGroup>> analysis) {

    /** The folder under a scrape or dataset root that holds the analysis sets. */
    public static final String ANALYSIS_FOLDER = "analysis";
    private static final Pattern SET_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
    private static final String DEFAULT_RESOURCE = "default-recipe.yaml";

    /**
     * One or more queries sharing a per-query image count. Give {@code query} or {@code queries}.
     *
     * @param queries the search texts
     * @param images  images to keep per query, 1..10000
     */
    public record QueryGroup(List<String> queries, int images) {

        @JsonCreator
        public QueryGroup(@JsonProperty("query") String query, @JsonProperty("queries") List<String> queries,
                @JsonProperty("images") int images) {
            this(merge(query, queries), images);
        }

        public QueryGroup {
            if (queries == null || queries.isEmpty() || queries.stream().anyMatch(q -> q == null || q.isBlank())) {
                throw new IllegalArgumentException("each entry needs a non-blank 'query' or a list 'queries', got "
                        + queries);
            }
            if (images < 1 || images > 10_000) {
                throw new IllegalArgumentException("'images' per query must be 1..10000, got " + images
                        + " for " + queries);
            }
            queries = List.copyOf(queries);
        }

        private static List<String> merge(String query, List<String> queries) {
            List<String> all = new ArrayList<>();
            if (query != null) {
                all.add(query);
            }
            if (queries != null) {
                all.addAll(queries);
            }
            return all;
        }
    }

    /**
     * One query to run.
     *
     * @param analysis whether it feeds an analysis set rather than a training class
     * @param name     the class or analysis set
     */
    public record Target(boolean analysis, String name, String query, int images) {

        /** The folder under the scrape root: {@code john}, or {@code analysis/paul}. */
        public String folder() {
            return analysis ? ANALYSIS_FOLDER + "/" + name : name;
        }
    }

    public Recipe {
        classes = classes == null ? Map.of() : new LinkedHashMap<>(classes);
        analysis = analysis == null ? Map.of() : new LinkedHashMap<>(analysis);
        if (!classes.keySet().equals(Set.copyOf(Labels.ALL))) {
            throw new IllegalArgumentException("a recipe's classes must be exactly " + Labels.ALL + ", got "
                    + classes.keySet());
        }
        for (String name : analysis.keySet()) {
            if (!SET_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("analysis set names are lower-case letters, digits, '_' and '-'"
                        + " (at most 40), got '" + name + "'");
            }
        }
        for (var groups : List.of(classes, analysis)) {
            groups.forEach((name, list) -> {
                if (list == null || list.isEmpty()) {
                    throw new IllegalArgumentException("'" + name + "' has no queries");
                }
            });
        }
        classes = Map.copyOf(classes);
        analysis = Map.copyOf(analysis);
    }

    /** Every query to run: classes first (john, not_john), then analysis sets, each in file order. */
    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (String label : Labels.ALL) {
            add(targets, false, label, classes.get(label));
        }
        analysis.keySet().stream().sorted().forEach(name -> add(targets, true, name, analysis.get(name)));
        return targets;
    }

    private static void add(List<Target> targets, boolean analysis, String name, List<QueryGroup> groups) {
        for (QueryGroup g : groups) {
            for (String q : g.queries()) {
                targets.add(new Target(analysis, name, q.strip(), g.images()));
            }
        }
    }

    /** The same queries with every per-query count replaced by {@code images}. */
    public Recipe withImagesPerQuery(int images) {
        return new Recipe(recount(classes, images), recount(analysis, images));
    }

    private static Map<String, List<QueryGroup>> recount(Map<String, List<QueryGroup>> sets, int images) {
        Map<String, List<QueryGroup>> out = new LinkedHashMap<>();
        sets.forEach((k, v) -> out.put(k, v.stream().map(g -> new QueryGroup(g.queries(), images)).toList()));
        return out;
    }

    /** Images the recipe asks for, in all. */
    public int totalImages() {
        return targets().stream().mapToInt(Target::images).sum();
    }

    /** Reads a recipe file (YAML or JSON). */
    public static Recipe read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** The recipe shipped with Lennonnet, reproducing the original project's composition. */
    public static Recipe defaultRecipe() {
        try (InputStream in = Recipe.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default recipe is missing from the jar");
            }
            return parse(in, DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unknown keys are refused by name: a typo must not silently become a default. */
    private static void checkKeys(JsonNode node, Set<String> allowed, String name, String where) {
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("recipe " + name + ": unknown key '" + key + "' in " + where
                        + " (allowed: " + allowed.stream().sorted().toList() + ")");
            }
        });
    }

    private static Recipe parse(InputStream in, String name) throws IOException {
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            JsonNode tree = yaml.readTree(in);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("recipe " + name + " is empty or not a mapping");
            }
            checkKeys(tree, Set.of("classes", "analysis"), name, "top level");
            for (String section : List.of("classes", "analysis")) {
                for (var set : (Iterable<Map.Entry<String, JsonNode>>) tree.path(section)::fields) {
                    for (JsonNode entry : set.getValue()) {
                        checkKeys(entry, Set.of("query", "queries", "images"), name, section + "." + set.getKey());
                    }
                }
            }
            Recipe recipe = yaml.treeToValue(tree, Recipe.class);
            if (recipe == null) {
                throw new IllegalArgumentException("recipe " + name + " is empty");
            }
            return recipe;
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException("recipe " + name + ": "
                    + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""), e);
        }
    }
}
