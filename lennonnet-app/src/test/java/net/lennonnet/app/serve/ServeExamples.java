package net.lennonnet.app.serve;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import net.lennonnet.data.synthetic.DemoImages;

/**
 * The two example pictures of the "Try Lennonnet" page, drawn by the demo's generator; the server
 * ships them as resources ({@code serve/examples/*.png}). Regenerate them with
 * {@code mvn -pl lennonnet-app exec:java -Dexec.classpathScope=test -Dexec.mainClass=net.lennonnet.app.serve.ServeExamples
 * -Dexec.args=lennonnet-app/src/main/resources/net/lennonnet/app/serve/examples}.
 */
public final class ServeExamples {

    private ServeExamples() {}

    static Map<String, BufferedImage> draw() {
        DemoImages drawn = new DemoImages(160);
        Map<String, BufferedImage> out = new LinkedHashMap<>();
        out.put("john.png", drawn.john(7, 0));
        out.put("potato.png", drawn.notJohn(7, 0)); // index 0 of not_john is a potato
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (var e : draw().entrySet()) {
            ImageIO.write(e.getValue(), "png", dir.resolve(e.getKey()).toFile());
        }
    }
}
