package org.omserver.catalog.module;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A module definition (file, form or stored version) that cannot be saved; one sentence per problem, each naming what to fix. */
public class InvalidModuleException
        extends Exception
{
    private final List<String> problems;

    public InvalidModuleException(List<String> problems)
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
