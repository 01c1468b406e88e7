package org.omserver.master.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A five-field Unix cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. */
public final class CronSchedule
{
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final int MAX_LENGTH = 128;

    private final String expression;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ExecutionTime executionTime)
    {
        this.expression = expression;
        this.executionTime = executionTime;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static CronSchedule parse(String expression)
    {
        requireNonNull(expression, "expression is null");
        String trimmed = expression.trim();
        String hint = "; write five fields in UTC: minute hour day-of-month month day-of-week, e.g. '*/15 * * * *' or '0 3 * * 1-5'";
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH || trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("invalid cron expression: empty, longer than " + MAX_LENGTH + " characters, or with control characters" + hint);
        }
        try {
            Cron cron = PARSER.parse(trimmed);
            cron.validate();
            return new CronSchedule(trimmed, ExecutionTime.forCron(cron));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cron expression '" + trimmed + "': " + e.getMessage() + hint, e);
        }
    }

    public String expression()
    {
        return expression;
    }

    /** The first run strictly after {@code after}; empty when the expression never fires again (e.g. 30 February). */
    public Optional<Instant> nextAfter(Instant after)
    {
        return executionTime.nextExecution(after.atZone(ZoneOffset.UTC)).map(next -> next.toInstant());
    }
}
