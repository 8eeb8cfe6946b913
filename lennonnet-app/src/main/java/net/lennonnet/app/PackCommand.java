package net.lennonnet.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.lennonnet.backbones.face.FaceModels;
import net.lennonnet.model.LennonNet;
import net.lennonnet.model.bundle.ModelBundle;
import net.lennonnet.model.pipeline.Preparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lennonnet pack}: a model folder to the one file a user or a cluster is handed. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {"Pack a model folder into one file that holds everything answering needs.",
            "The file loads with 'predict --model FILE', 'serve --model FILE' and LennonNet.load, on a machine without npm, network or caches. A face model saved without its face detector (by an older Lennonnet) gets the pinned one added (from the face-model cache, else npm)."})
final class PackCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "The model folder ('lennonnet train --out').")
    Path model;

    @Option(names = "--out", required = true, description = "The file to write, e.g. model.lennonnet.")
    Path out;

    @Override
    public Integer call() throws Exception {
        boolean added = ModelBundle.pack(model, out, FaceModels::blazeFace, FaceModels.blazeFaceSha256());
        try (LennonNet packed = LennonNet.load(out)) { // what was written loads
            System.out.printf("packed %s into %s (%s%s)%n", model, out, packed.metadata().input().preparation() == Preparation.FACE_ALIGN
                    ? "with its face detector" : "graph and metadata", added ? ", the detector added" : "");
        }
        System.out.println(out);
        return 0;
    }
}
