package net.lennonnet.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** A partition's rows answered batch by batch, lazily: only one batch's rows are held at once. */
final class Batches {

    private Batches() {}

    /** The rows {@code next} makes of {@code input}, one batch at a time; {@code next} takes what it needs of it. */
    static <I, O> Iterator<O> of(Iterator<I> input, Function<Iterator<I>, List<O>> next) {
        return new Iterator<>() {
            private Iterator<O> batch = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && input.hasNext()) {
                    batch = next.apply(input).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }
}
