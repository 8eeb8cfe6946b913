package net.lennonnet.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.lennonnet.data.Feedback;
import net.lennonnet.data.ManifestEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet label}: record verdicts from the error gallery in the dataset manifest. */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = {"Record that dataset images are mislabelled or unusable (ids from the error gallery).",
            "The next 'lennonnet dataset' run into the same folder moves or drops them."})
final class LabelCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Dataset folder.")
    Path data;

    @Option(names = "--mislabelled", split = ",", paramLabel = "ID", description = "Images in the wrong class.")
    List<String> mislabelled = new ArrayList<>();

    @Option(names = "--unusable", split = ",", paramLabel = "ID", description = "Images to drop.")
    List<String> unusable = new ArrayList<>();

    @Option(names = "--clear", split = ",", paramLabel = "ID", description = "Forget what was said about these images.")
    List<String> clear = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> verdicts = new LinkedHashMap<>();
        mislabelled.forEach(id -> verdicts.put(id, ManifestEntry.MISLABELLED));
        unusable.forEach(id -> verdicts.put(id, ManifestEntry.UNUSABLE));
        clear.forEach(id -> verdicts.put(id, ""));
        if (verdicts.isEmpty()) {
            throw new IllegalArgumentException("say something: --mislabelled, --unusable or --clear with image ids");
        }
        int changed = Feedback.record(data, verdicts);
        System.out.println(changed + " manifest rows changed; run 'lennonnet dataset --raw RAW --out " + data
                + "' to apply them");
        return 0;
    }
}
