package net.lennonnet.data.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {

    @TempDir
    Path tmp;

    @Test
    void theDefaultRecipeReproducesTheOriginalComposition() {
        Recipe recipe = Recipe.defaultRecipe();
        Map<String, Integer> perFolder = recipe.targets().stream()
                .collect(Collectors.groupingBy(Recipe.Target::folder, Collectors.summingInt(Recipe.Target::images)));
        assertThat(perFolder.get("john")).isBetween(1300, 1500);
        assertThat(perFolder.get("not_john")).isBetween(11_000, 12_000);
        assertThat(perFolder).containsEntry("analysis/paul", 1000).containsEntry("analysis/george", 1000)
                .containsEntry("analysis/ringo", 1000);
        List<String> notJohn = recipe.targets().stream().filter(t -> t.folder().equals("not_john"))
                .map(Recipe.Target::query).toList();
        assertThat(notJohn).contains("Paul McCartney", "George Harrison", "Ringo Starr", "person", "potato");
        long words = recipe.classes().get("not_john").get(2).queries().size();
        assertThat(words).isBetween(95L, 105L);
        // classes come before analysis sets, so analysis sets can skip what training already has
        assertThat(recipe.targets().get(0).folder()).isEqualTo("john");
        assertThat(recipe.targets().get(recipe.targets().size() - 1).analysis()).isTrue();
    }

    @Test
    void readsYamlAndJsonAndOverridesCounts() throws IOException {
        Path yaml = tmp.resolve("r.yaml");
        Files.writeString(yaml, """
                classes:
                  john:
                    - query: John Lennon
                      images: 5
                  not_john:
                    - queries: [potato, chair]
                      images: 3
                analysis:
                  george:
                    - query: George Harrison
                      images: 4
                """);
        Recipe recipe = Recipe.read(yaml);
        assertThat(recipe.totalImages()).isEqualTo(5 + 3 + 3 + 4);
        assertThat(recipe.withImagesPerQuery(2).totalImages()).isEqualTo(8);
        Path json = tmp.resolve("r.json");
        Files.writeString(json, "{\"classes\": {\"john\": [{\"query\": \"a\", \"images\": 1}],"
                + " \"not_john\": [{\"query\": \"b\", \"images\": 2}]}}");
        assertThat(Recipe.read(json).targets()).extracting(Recipe.Target::folder).containsExactly("john", "not_john");
    }

    @Test
    void badRecipesAreRefusedWithTheReason() throws IOException {
        assertRefused("classes:\n  john: [{query: a, images: 1}]\n", "exactly [john, not_john]");
        assertRefused("classes:\n  john: [{query: a, images: 0}]\n  not_john: [{query: b, images: 1}]\n",
                "must be 1..10000, got 0");
        assertRefused("classes:\n  john: [{images: 3}]\n  not_john: [{query: b, images: 1}]\n",
                "non-blank 'query'");
        assertRefused("classes:\n  john: [{query: a, imgs: 3}]\n  not_john: [{query: b, images: 1}]\n",
                "imgs");
        assertRefused("classes:\n  john: [{query: a, images: 1}]\n  not_john: [{query: b, images: 1}]\n"
                + "analysis:\n  \"../etc\": [{query: c, images: 1}]\n", "analysis set names");
    }

    private void assertRefused(String text, String message) throws IOException {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, text);
        assertThatThrownBy(() -> Recipe.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining(message);
    }
}
