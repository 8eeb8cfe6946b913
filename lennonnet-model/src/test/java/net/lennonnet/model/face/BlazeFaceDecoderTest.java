package net.lennonnet.model.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Anchor decoding and weighted suppression, on outputs worked out by hand. */
class BlazeFaceDecoderTest {

    private static final double LOGIT_090 = Math.log(0.9 / 0.1);

    @Test
    void theAnchorsAreTheTwoGridsInRowColumnAnchorOrder() {
        double[] c = BlazeFaceDecoder.anchorCentres();
        assertThat(c).hasSize(2 * 896);
        // first grid: cell (row 0, col 0), both anchors at (0.5/16, 0.5/16)
        assertThat(c[0]).isEqualTo(0.5 / 16);
        assertThat(c[2]).isEqualTo(0.5 / 16);
        // anchor 2 is cell (row 0, col 1)
        assertThat(c[4]).isEqualTo(1.5 / 16);
        assertThat(c[5]).isEqualTo(0.5 / 16);
        // anchor 32 is cell (row 1, col 0)
        assertThat(c[64]).isEqualTo(0.5 / 16);
        assertThat(c[65]).isEqualTo(1.5 / 16);
        // anchor 512 starts the second grid: cell (0, 0) of 8 x 8, six anchors
        assertThat(c[1024]).isEqualTo(0.5 / 8);
        assertThat(c[1024 + 2 * 5]).isEqualTo(0.5 / 8);
        assertThat(c[1024 + 2 * 6]).isEqualTo(1.5 / 8);
        // the last anchor is the second grid's bottom-right cell
        assertThat(c[2 * 895]).isEqualTo(7.5 / 8);
        assertThat(c[2 * 895 + 1]).isEqualTo(7.5 / 8);
    }

    /** Raw outputs with one anchor set; every other anchor scores far below any threshold. */
    private static float[][] outputs(int anchor, double logit, float... values) {
        float[] scores = new float[896];
        java.util.Arrays.fill(scores, -20f);
        scores[anchor] = (float) logit;
        float[] boxes = new float[896 * 16];
        System.arraycopy(values, 0, boxes, anchor * 16, values.length);
        return new float[][] {scores, boxes};
    }

    @Test
    void aBoxIsTheAnchorCentrePlusItsOffsetsMappedBackThroughTheLetterbox() {
        // anchor 2 * (5 * 16 + 7) = 174: first grid, row 5, column 7: centre (7.5 * 8, 5.5 * 8) = (60, 44) input pixels
        float[][] out = outputs(174, LOGIT_090,
                4, -2, 32, 40, // box centre (64, 42), 32 x 40 input pixels
                -8, -6, 8, -6, 0, 2, 0, 10, -15, -4, 15, -4); // eyes, nose, mouth, ears
        // a 640 x 480 photo letterboxed: scale 0.2, 16 input pixels of padding above and below
        BlazeFaceDecoder.Frame frame = BlazeFaceDecoder.Frame.letterbox(640, 480);
        assertThat(frame.scale()).isEqualTo(0.2);
        assertThat(frame.padX()).isEqualTo(0.0);
        assertThat(frame.padY()).isEqualTo(16.0);

        List<FaceDetection> found = BlazeFaceDecoder.decode(out[0], out[1], frame, 0.5);
        assertThat(found).hasSize(1);
        FaceDetection face = found.get(0);
        assertThat(face.score()).isCloseTo(0.9, within(1e-6));
        // centre (64, 42) -> image (320, 130); size 32 x 40 -> 160 x 200
        assertThat(face.x()).isCloseTo(240, within(1e-4));
        assertThat(face.y()).isCloseTo(30, within(1e-4));
        assertThat(face.width()).isCloseTo(160, within(1e-4));
        assertThat(face.height()).isCloseTo(200, within(1e-4));
        // the eye on the image's left: (60 - 8, 44 - 6) = (52, 38) -> (260, 110)
        assertThat(face.keypoints().get(FaceDetection.LEFT_EYE).x()).isCloseTo(260, within(1e-4));
        assertThat(face.keypoints().get(FaceDetection.LEFT_EYE).y()).isCloseTo(110, within(1e-4));
        // the mouth: (60, 54) -> (300, 190)
        assertThat(face.keypoints().get(FaceDetection.MOUTH).x()).isCloseTo(300, within(1e-4));
        assertThat(face.keypoints().get(FaceDetection.MOUTH).y()).isCloseTo(190, within(1e-4));
        assertThat(face.box(640, 480)).contains(new FaceBox(240, 30, 160, 200));
    }

    @Test
    void aSecondGridAnchorDecodesAroundItsOwnCentre() {
        // anchor 512 + 6 * (2 * 8 + 3) + 4 = 630: second grid, row 2, column 3, fifth anchor: centre (56, 40)
        float[][] out = outputs(630, LOGIT_090, 0, 0, 16, 16);
        List<FaceDetection> found = BlazeFaceDecoder.decode(out[0], out[1], new BlazeFaceDecoder.Frame(1, 0, 0), 0.5);
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.x()).isCloseTo(48, within(1e-4));
            assertThat(f.y()).isCloseTo(32, within(1e-4));
        });
    }

    @Test
    void scoresBelowTheThresholdAndEmptyBoxesAreLeftOut() {
        float[][] low = outputs(10, Math.log(0.4 / 0.6), 0, 0, 10, 10);
        assertThat(BlazeFaceDecoder.decode(low[0], low[1], new BlazeFaceDecoder.Frame(1, 0, 0), 0.5)).isEmpty();
        float[][] flat = outputs(10, LOGIT_090, 0, 0, 0, 10);
        assertThat(BlazeFaceDecoder.decode(flat[0], flat[1], new BlazeFaceDecoder.Frame(1, 0, 0), 0.5)).isEmpty();
        assertThatThrownBy(() -> BlazeFaceDecoder.decode(new float[3], new float[48], new BlazeFaceDecoder.Frame(1, 0, 0), 0.5))
                .hasMessageContaining("896 scores");
    }

    private static FaceDetection face(double x, double y, double size, double score) {
        List<FaceDetection.Point> k = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            k.add(new FaceDetection.Point(x + i, y + i));
        }
        return new FaceDetection(x, y, size, size, k, score);
    }

    @Test
    void overlappingDetectionsBlendByScoreAndSeparateFacesStay() {
        // two detections of one face (IoU 0.9^2/(2-0.81) = 0.68) and one of another face far away
        FaceDetection a = face(100, 100, 100, 0.9);
        FaceDetection b = face(110, 110, 100, 0.6);
        FaceDetection other = face(400, 100, 80, 0.7);
        List<FaceDetection> kept = BlazeFaceDecoder.suppress(List.of(b, other, a), 0.3);
        assertThat(kept).hasSize(2);
        FaceDetection blended = kept.get(0);
        // weights 0.6 and 0.4: x = 0.6 * 100 + 0.4 * 110 = 104, with the top score
        assertThat(blended.x()).isCloseTo(104, within(1e-9));
        assertThat(blended.y()).isCloseTo(104, within(1e-9));
        assertThat(blended.width()).isCloseTo(100, within(1e-9));
        assertThat(blended.keypoints().get(5).x()).isCloseTo(109, within(1e-9));
        assertThat(blended.score()).isEqualTo(0.9);
        assertThat(kept.get(1)).isEqualTo(other);
        // at a threshold above their overlap, both detections of the first face stay
        assertThat(BlazeFaceDecoder.suppress(List.of(a, b, other), 0.7)).hasSize(3);
    }
}
