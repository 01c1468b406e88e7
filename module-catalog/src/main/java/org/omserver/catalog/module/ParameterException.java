package org.omserver.catalog.module;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Parameters failed validation; {@link #problems()} has one sentence per bad field, naming it. */
public class ParameterException
        extends Exception
{
    private final List<String> problems;

    public ParameterException(List<String> problems)
    {
        super(String.join("; ", problems));
        this.problems = List.copyOf(requireNonNull(problems, "problems is null"));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems is empty");
        }
    }

    public List<String> problems()
    {
        return problems;
    }
}
