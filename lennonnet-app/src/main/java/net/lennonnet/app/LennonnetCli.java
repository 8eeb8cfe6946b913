package net.lennonnet.app;

import net.lennonnet.model.Dl4jDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code java -jar lennonnet.jar <command>}. */
@Command(name = "lennonnet", mixinStandardHelpOptions = true, version = "lennonnet 0.1.0",
        description = "Is this John Lennon? A ResNet-50 transfer-learning pipeline on Deeplearning4j.",
        subcommands = {DemoCommand.class, WeightsCommand.class, ScrapeCommand.class, DatasetCommand.class, TrainCommand.class,
            EvaluateCommand.class, AnalyzeCommand.class, LabelCommand.class, PredictCommand.class,
            ServeCommand.class, DashboardCommand.class, BenchmarkCommand.class, PackCommand.class})
public final class LennonnetCli {

    private LennonnetCli() {}

    /**
     * The JVM-wide deserialization filter (JEP 290) the command line runs under: Lennonnet reads no Java
     * serialized data (models, run records and uploads are read as JSON and plain numbers), and neither does
     * the DL4J dashboard with {@code RecordedStats}; so only a few JDK value classes may ever be
     * deserialized, with small limits, and everything else is refused, whatever library would try.
     */
    static final String SERIAL_FILTER = "maxdepth=16;maxrefs=10000;maxbytes=1048576;maxarray=100000;"
            + "java.lang.Object;java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Double;java.lang.Float;"
            + "java.lang.Boolean;java.lang.Enum;java.util.ArrayList;java.util.HashMap;java.util.LinkedHashMap;!*";

    /** Installs {@link #SERIAL_FILTER} unless the JVM already has one (from {@code -Djdk.serialFilter}). */
    static void installSerialFilter() {
        if (java.io.ObjectInputFilter.Config.getSerialFilter() == null) {
            java.io.ObjectInputFilter.Config.setSerialFilter(java.io.ObjectInputFilter.Config.createFilter(SERIAL_FILTER));
        }
    }

    public static void main(String[] args) {
        installSerialFilter();
        Dl4jDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    /** One line for a user: file-system errors name the file and what is wrong with it. */
    static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("no space left")) {
                return "the disk is full (" + t.getMessage().lines().findFirst().orElse("") + ")";
            }
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            String what = fs instanceof java.nio.file.FileAlreadyExistsException ? "is in the way (a file where a folder must go)"
                    : fs instanceof java.nio.file.NotDirectoryException ? "is not a folder"
                    : fs instanceof java.nio.file.AccessDeniedException ? "cannot be written (permission denied)"
                    : fs instanceof java.nio.file.NoSuchFileException ? "does not exist"
                    : fs.getReason() != null ? fs.getReason() : "cannot be used";
            return "cannot write or read " + fs.getFile() + ": it " + what
                    + (fs.getReason() != null && !what.equals(fs.getReason()) ? " (" + fs.getReason() + ")" : "");
        }
        return String.valueOf(e.getMessage());
    }

    /** The command line with Lennonnet's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LennonnetCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A user sees one line naming what went wrong, not a stack trace.
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }
}
