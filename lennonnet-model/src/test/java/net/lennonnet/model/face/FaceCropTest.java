package net.lennonnet.model.face;

import static net.lennonnet.model.TestImages.astronaut;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import net.lennonnet.model.TestImages;
import net.lennonnet.model.image.Images;
import net.lennonnet.model.pipeline.ImagePipeline;
import net.lennonnet.model.pipeline.InputContract;
import net.lennonnet.model.pipeline.Preparation;
import org.junit.jupiter.api.Test;

class FaceCropTest {

    /** A real face: the NASA portrait of astronaut Eileen Collins (public domain), 256 x 256. */
    @Test
    void findsTheFaceInAPortraitAndCropsAroundIt() throws IOException {
        BufferedImage photo = astronaut();
        Optional<FaceBox> face = FaceCrop.detect(photo);
        assertThat(face).isPresent();
        FaceBox box = face.get();
        // Her face is in the upper middle of the portrait (hand-checked: about x 85..150, y 30..110)
        assertThat(box.x() + box.width() / 2).isBetween(95, 145);
        assertThat(box.y() + box.height() / 2).isBetween(45, 100);
        assertThat(box.width()).isBetween(40, 120);

        FaceCrop.Prepared prepared = FaceCrop.prepare(photo);
        assertThat(prepared.face()).contains(box);
        assertThat(prepared.image().getWidth()).isEqualTo(prepared.image().getHeight())
                .isEqualTo(Math.min(256, (int) Math.round(2.0 * Math.max(box.width(), box.height()))));
    }

    @Test
    void aLargePhotoIsScaledToTheWorkingSideFirstAndItsFaceBoxIsInTheOriginal() throws IOException {
        BufferedImage face = astronaut();
        // the portrait at 4x on a 2400 x 1800 canvas, at (1000, 600): above the 1024 working side
        BufferedImage canvas = new BufferedImage(2400, 1800, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(40, 80, 160));
        g.fillRect(0, 0, 2400, 1800);
        g.drawImage(face, 1000, 600, 1024, 1024, null);
        g.dispose();
        FaceCrop.Prepared prepared = ImagePipeline.of(InputContract.square(64).with(Preparation.FACE_CROP)).prepare(canvas);
        assertThat(prepared.face()).isPresent();
        FaceBox box = prepared.face().get();
        // where the small portrait's face is (about 95..145, 45..100 of 256), scaled by 4 and moved
        assertThat(box.x() + box.width() / 2).isBetween(1000 + 4 * 95, 1000 + 4 * 145);
        assertThat(box.y() + box.height() / 2).isBetween(600 + 4 * 45, 600 + 4 * 100);
        // the crop is cut from the working copy, so it is at most the working side
        assertThat(prepared.image().getWidth()).isLessThanOrEqualTo(Images.WORKING_SIDE);
        assertThat(ImagePipeline.of(InputContract.square(64)).prepare(canvas).image().getWidth()).isEqualTo(Images.WORKING_SIDE);
    }

    @Test
    void anImageWithoutAFaceIsUsedWhole() {
        BufferedImage potato = TestImages.solid(200, 150, BufferedImage.TYPE_3BYTE_BGR, new Color(150, 110, 60));
        FaceCrop.Prepared prepared = FaceCrop.prepare(potato);
        assertThat(prepared.face()).isEmpty();
        assertThat(prepared.image()).isSameAs(potato);
    }

    @Test
    void theCropStaysInsideTheImage() {
        BufferedImage img = new BufferedImage(100, 60, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage crop = FaceCrop.crop(img, new FaceBox(80, 40, 20, 20));
        assertThat(crop.getWidth()).isEqualTo(40);
        BufferedImage whole = FaceCrop.crop(img, new FaceBox(0, 0, 90, 50));
        assertThat(whole.getWidth()).isEqualTo(60); // capped by the shorter side
    }
}
