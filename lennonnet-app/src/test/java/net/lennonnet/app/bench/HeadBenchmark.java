package net.lennonnet.app.bench;

/**
 * Benchmark, not a test: the head-training part of the original's run, 12,800 images x 32 epochs,
 * on cached 2048-wide features (the ImageNet ResNet-50's), through the real epoch loop with its
 * checkpoints. Run with
 * {@code mvn -pl lennonnet-app exec:java -Dexec.classpathScope=test -Dexec.mainClass=net.lennonnet.app.bench.HeadBenchmark};
 * {@code lennonnet benchmark} runs the same measurement beside the others.
 */
public final class HeadBenchmark {

    private HeadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 12_800;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        double seconds = TrainingBenchmarks.headTraining(images, epochs, 2048);
        System.out.printf("RESULT head-training images=%d epochs=%d width=2048 seconds=%.1f per_epoch=%.2f%n", images,
                epochs, seconds, seconds / epochs);
    }
}
