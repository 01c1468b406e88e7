package org.omserver.master.pipeline;

/** One step of a request: reads what earlier stages put into the {@link Call}, adds its own part, or refuses. */
@FunctionalInterface
public interface Stage
{
    void apply(Call call)
            throws Refusal;

    /** A stage with a name for the log, from a lambda. */
    static Stage named(String name, Stage stage)
    {
        return new Stage()
        {
            @Override
            public void apply(Call call)
                    throws Refusal
            {
                stage.apply(call);
            }

            @Override
            public String toString()
            {
                return name;
            }
        };
    }
}
