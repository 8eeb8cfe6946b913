package net.lennonnet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two Lennonnet packages use each other, directly or round a loop: read from the main sources of
 * every module, by imports and by fully qualified names.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern REFERENCE = Pattern.compile("\\b(net\\.lennonnet(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = new ArrayList<>();
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("lennonnet-")).toList()) {
                Path main = module.resolve("src/main/java/net/lennonnet");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                    }
                }
            }
        }
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher p = PACKAGE.matcher(text);
            if (!p.find()) {
                continue;
            }
            String from = p.group(1);
            Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher r = REFERENCE.matcher(text);
            while (r.find()) {
                if (!r.group(1).equals(from)) {
                    to.add(r.group(1));
                }
            }
        }
        return uses;
    }

    /** The package loops: each a list of packages that reach one another. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> out = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> loop = new TreeSet<>();
            for (String other : graph.keySet()) {
                if (!other.equals(start) && reaches(graph, start, other) && reaches(graph, other, start)) {
                    loop.add(other);
                }
            }
            if (!loop.isEmpty()) {
                loop.add(start);
                done.addAll(loop);
                out.add(loop);
            }
        }
        return out;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        Set<String> seen = new TreeSet<>();
        List<String> stack = new ArrayList<>(List.of(from));
        while (!stack.isEmpty()) {
            String at = stack.remove(stack.size() - 1);
            for (String next : graph.getOrDefault(at, Set.of())) {
                if (next.equals(to)) {
                    return true;
                }
                if (seen.add(next)) {
                    stack.add(next);
                }
            }
        }
        return false;
    }

    @Test
    void theCheckFindsALoop() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(new TreeSet<>(List.of("a", "b", "c")));
    }

    @Test
    void noLennonnetPackagesFormALoop() throws IOException {
        Map<String, Set<String>> graph = packageGraph(Path.of("").toAbsolutePath().getParent());
        assertThat(graph).containsKeys("net.lennonnet.model", "net.lennonnet.model.bundle", "net.lennonnet.model.face",
                "net.lennonnet.model.pipeline", "net.lennonnet.backbones", "net.lennonnet.backbones.cache",
                "net.lennonnet.backbones.face", "net.lennonnet.backbones.npm", "net.lennonnet.backbones.tfjs",
                "net.lennonnet.data", "net.lennonnet.data.scrape", "net.lennonnet.train", "net.lennonnet.train.evaluation",
                "net.lennonnet.train.dashboard", "net.lennonnet.app");
        assertThat(cycles(graph)).as(graph.toString()).isEmpty();
    }

    /** Every Lennonnet package says what it is for. */
    @Test
    void everyPackageHasItsPackageInfo() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 12)) {
            for (Path dir : files.filter(d -> d.toString().contains("/src/main/java/net/lennonnet") && Files.isDirectory(d))
                    .toList()) {
                boolean hasSources;
                try (Stream<Path> in = Files.list(dir)) {
                    hasSources = in.anyMatch(f -> f.toString().endsWith(".java"));
                }
                if (hasSources && !Files.exists(dir.resolve("package-info.java"))) {
                    missing.add(root.relativize(dir).toString());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /**
     * What answering needs stays a library (issue 20): lennonnet-model reaches no other Lennonnet module,
     * starts no process, opens no HTTP connection and imports no model importer or archive reader.
     */
    @Test
    void theModelModuleNeitherFetchesNorImports() throws IOException {
        Path main = Path.of("").toAbsolutePath().getParent().resolve("lennonnet-model/src/main/java");
        Pattern forbidden = Pattern.compile("net\\.lennonnet\\.(?!model\\b)\\w+|ProcessBuilder|Runtime\\.getRuntime\\(\\)\\.exec|java\\.net\\.http"
                + "|HttpURLConnection|java\\.net\\.URL\\b|modelimport|org\\.apache\\.commons\\.compress|DL4JResources");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                Matcher m = forbidden.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(main.relativize(f) + ": " + m.group());
                }
            }
        }
        assertThat(found).isEmpty();
        assertThat(Files.readString(main.getParent().getParent().getParent().resolve("pom.xml")))
                .doesNotContain("deeplearning4j-modelimport").doesNotContain("commons-compress")
                .doesNotContain("<artifactId>lennonnet-backbones</artifactId>");
    }
}
