package org.omserver.agent.wire;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How the text of a free command ({@code cmd=command,command=…}, a cron entry's command) becomes an argument
 * vector, the same on the master and on the agent. The rule is deliberately simple: words are separated by
 * spaces; there is no quoting, escaping, globbing, variables or redirection. Because a user who writes
 * {@code ls *.log} or {@code a | b} expects a shell, text holding a shell metacharacter
 * ({@value #METACHARACTERS}) or a control character is refused instead of being passed on literally.
 */
public final class CommandWords
{
    public static final String METACHARACTERS = "|&;<>()$`\\\"'*?[]{}!#~";
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_WORDS = 128;

    private CommandWords() {}

    /** @throws IllegalArgumentException saying what is refused and what to write instead */
    public static List<String> split(String text)
    {
        requireNonNull(text, "text is null");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the command is " + text.length() + " characters long; at most " + MAX_LENGTH + " are accepted");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("the command contains a control character at position " + (i + 1) + "; write it on one line");
            }
            if (METACHARACTERS.indexOf(c) >= 0) {
                throw new IllegalArgumentException("the command contains the shell character '" + c + "' at position " + (i + 1)
                        + "; commands run without a shell (words separated by spaces, no quotes, pipes, redirections, wildcards or variables)");
            }
        }
        List<String> words = new ArrayList<>();
        for (String word : text.strip().split(" +")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command is empty; write a program and its arguments separated by spaces, e.g. 'df -h'");
        }
        if (words.size() > MAX_WORDS) {
            throw new IllegalArgumentException("the command has " + words.size() + " words; at most " + MAX_WORDS + " are accepted");
        }
        return List.copyOf(words);
    }
}
