package net.lennonnet.train;

import picocli.CommandLine;

/** Entry point for {@code mvn -pl lennonnet-train exec:java -Dexec.args="--data DIR --out DIR"}. */
public final class TrainMain {

    private TrainMain() {}

    public static void main(String[] args) {
        net.lennonnet.model.Dl4jDefaults.apply();
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
