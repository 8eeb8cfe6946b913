package net.lennonnet.model.graph;

import java.util.List;

/** The two classes, in the order of the network's outputs (DataVec sorts class folders by name). */
public final class Labels {

    public static final String JOHN = "john";
    public static final String NOT_JOHN = "not_john";
    /** Output index 0 is P(john), index 1 is P(not_john). */
    public static final List<String> ALL = List.of(JOHN, NOT_JOHN);

    private Labels() {}
}
