package net.lennonnet.train.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.lennonnet.model.bundle.Decision;
import org.junit.jupiter.api.Test;

class HeadSearchTest {

    /**
     * Identity-like descriptors: each "person" a tight cluster round its own random centre on a sphere
     * of 128 numbers of about 0.1 each (as dlib's are); john is person 0, {@code views} rows per image.
     */
    static HeadData people(int johnImages, int otherPeople, int imagesEach, int views, double spread, long seed) {
        Random random = new Random(seed);
        List<float[]> rows = new ArrayList<>();
        List<Boolean> john = new ArrayList<>();
        List<Integer> image = new ArrayList<>();
        int id = 0;
        for (int person = 0; person <= otherPeople; person++) {
            double[] centre = new double[128];
            for (int j = 0; j < 128; j++) {
                centre[j] = random.nextGaussian() * 0.1;
            }
            int images = person == 0 ? johnImages : imagesEach;
            for (int k = 0; k < images; k++, id++) {
                double[] face = new double[128];
                for (int j = 0; j < 128; j++) {
                    face[j] = centre[j] + random.nextGaussian() * spread;
                }
                for (int v = 0; v < views; v++) {
                    float[] row = new float[128];
                    for (int j = 0; j < 128; j++) {
                        row[j] = (float) (face[j] + random.nextGaussian() * spread / 4);
                    }
                    rows.add(row);
                    john.add(person == 0);
                    image.add(id);
                }
            }
        }
        boolean[] j = new boolean[john.size()];
        int[] im = new int[image.size()];
        for (int i = 0; i < j.length; i++) {
            j[i] = john.get(i);
            im[i] = image.get(i);
        }
        return new HeadData(rows.toArray(float[][]::new), j, im);
    }

    static final HeadData NONE = new HeadData(new float[0][], new boolean[0], new int[0]);

    @Test
    void threeJohnPhotosAreEnoughToCrossValidateAndDecideWell() {
        HeadData train = people(3, 8, 6, 1, 0.03, 1);
        HeadSearch.Choice choice = new HeadSearch(new HeadSearch.Settings(true, 500, 42)).run(train, NONE, null);
        assertThat(choice.fittedOnValidation()).isTrue();
        assertThat(choice.thresholdSource()).startsWith("out-of-fold");
        assertThat(choice.decision().heldOut()).startsWith("3-fold cross-validation over the 51");
        assertThat(choice.decision().candidates()).extracting(Decision.Candidate::score)
                .containsExactly(Decision.Score.HEAD, Decision.Score.CENTRE, Decision.Score.NEIGHBOURS);
        assertThat(choice.lambdaLosses()).hasSize(HeadSearch.LAMBDAS.length);
        // new photos of the same people: john's come out john and confident, the others not
        HeadData fresh = people(3, 8, 6, 1, 0.03, 1);
        int right = 0;
        double meanError = 0;
        for (int i = 0; i < fresh.size(); i++) {
            double p = probability(choice, fresh.row(i));
            right += (p >= choice.threshold()) == fresh.isJohn(i) ? 1 : 0;
            meanError += Math.abs((fresh.isJohn(i) ? 1 : 0) - p) / fresh.size();
        }
        assertThat(right).isEqualTo(fresh.size());
        assertThat(meanError).as("calibrated and confident where the classes are apart").isLessThan(0.05);
    }

    @Test
    void aLargeValidationSplitIsUsedAsItIsAndViewsStayWithTheirImage() {
        HeadData train = people(60, 10, 20, 2, 0.05, 2);
        HeadData validation = people(55, 10, 20, 1, 0.05, 3);
        HeadSearch.Choice choice = new HeadSearch(new HeadSearch.Settings(false, 500, 42)).run(train, validation, null);
        assertThat(choice.fittedOnValidation()).isFalse();
        assertThat(choice.thresholdSource()).startsWith("validation");
        assertThat(choice.decision().score()).isEqualTo(Decision.Score.HEAD);
        assertThat(choice.decision().candidates()).hasSize(1);
    }

    @Test
    void foldsDealEachClassRoundAndKeepAnImagesViewsTogether() {
        HeadData data = people(7, 3, 5, 3, 0.05, 4);
        int[] fold = HeadSearch.foldOfImage(data, 3, 9);
        int[][] perFold = new int[3][2];
        for (int r : HeadSearch.firstRowOfEachImage(data)) {
            perFold[fold[data.image(r)]][data.isJohn(r) ? 0 : 1]++;
        }
        for (int[] f : perFold) {
            assertThat(f[0]).isBetween(2, 3);
            assertThat(f[1]).isBetween(4, 5);
        }
        assertThat(HeadSearch.firstRowOfEachImage(data)).hasSize(7 + 15);
    }

    @Test
    void aSingleJohnPhotoGetsAHeadAndSaysNothingWasHeldOut() {
        HeadData train = people(1, 4, 5, 1, 0.03, 5);
        HeadSearch.Choice choice = new HeadSearch(new HeadSearch.Settings(true, 500, 42)).run(train, NONE, null);
        assertThat(choice.threshold()).isEqualTo(0.5);
        assertThat(choice.thresholdSource()).contains("single image");
        assertThat(choice.head().margin(train.row(0))).isPositive();
    }

    static double probability(HeadSearch.Choice choice, float[] x) {
        Decision d = choice.decision();
        return d.readsFeatures() ? d.probabilityJohn(x) : Decision.sigmoid(d.plattA() * choice.head().margin(x) + d.plattB());
    }
}
