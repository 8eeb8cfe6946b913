package net.lennonnet.app;

import net.lennonnet.model.Dl4jDefaults;
import net.lennonnet.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar lennonnet.jar <command>}. */
@Command(name = "lennonnet", mixinStandardHelpOptions = true, version = "lennonnet 0.1.0",
        description = "Is this John Lennon? A ResNet-50 transfer-learning pipeline on Deeplearning4j.",
        subcommands = {DemoCommand.class, ScrapeCommand.class, DatasetCommand.class, TrainCommand.class,
            EvaluateCommand.class, AnalyzeCommand.class, LabelCommand.class, PredictCommand.class,
            ServeCommand.class, DashboardCommand.class, BenchmarkCommand.class})
public final class Lennonnet {

    private Lennonnet() {}

    public static void main(String[] args) {
        Dl4jDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    /** Blocks until a line, or the end of input, arrives on standard input (how serving commands stop). */
    static void waitForEnter() throws java.io.IOException {
        int c;
        do {
            c = System.in.read();
        } while (c != -1 && c != '\n');
    }

    /** The command line with Lennonnet's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lennonnet());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A user sees one line naming what went wrong, not a stack trace.
            cmd.getErr().println("lennonnet " + cmd.getCommandName() + ": " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }
}
