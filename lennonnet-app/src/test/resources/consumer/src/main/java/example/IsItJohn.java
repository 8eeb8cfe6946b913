package example;

import java.nio.file.Path;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.Prediction;

public class IsItJohn {
    public static void main(String[] args) throws Exception {
        try (LennonNet net = LennonNet.load(Path.of(args[0]))) {
            Prediction p = net.predict(Path.of(args[1]));
            System.out.println(p.label() + " " + p.probabilityJohn());
        }
    }
}
