package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.Sessions;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.FunctionCategory;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.Role;
import org.omserver.protocol.thrift.UserAction;
import org.omserver.protocol.thrift.UserChangeReply;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UserInfo;

import java.io.IOException;
import java.net.URLEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code /users}: user management for admins. GET {@code /users} lists every user (role, state, last login, open
 * sessions, grants) with the create form; GET {@code /users/{name}} is one user with a form per change. POST
 * {@code /users/create} and {@code /users/{name}/{role|enable|disable|reset|grants|logout|delete}} make one change each
 * through the master's {@code userChange} (or {@code logoutEverywhere}), which checks the role and every rule; the page
 * only assembles the request. Every change answers with a redirect (POST, then GET); a generated password is kept in the
 * admin's HTTP session only until that GET draws it, once (never in a URL, never stored anywhere else), so reloading
 * the page neither shows it again nor resets the password again. Delete needs the user name typed again.
 */
final class UsersServlet
        extends GatewayServlet
{
    private static final Pattern USER_PATH = Pattern.compile("/([A-Za-z0-9][A-Za-z0-9._-]{0,63})(?:/([a-z]+))?");

    UsersServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void get(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String path = request.getPathInfo() == null || request.getPathInfo().equals("/") ? "" : request.getPathInfo();
        List<String> notices = new ArrayList<>();
        String done = request.getParameter("done");
        if (done != null && done.length() <= 300) {
            notices.add(done);
        }
        if (path.isEmpty()) {
            list(request, response, user.get(), notices, List.of());
            return;
        }
        Matcher matcher = USER_PATH.matcher(path);
        if (!matcher.matches() || matcher.group(2) != null) {
            notFound(request, response);
            return;
        }
        one(request, response, user.get(), matcher.group(1), notices, List.of(), Sessions.takeGeneratedPassword(request, matcher.group(1)));
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        String token = user.get().masterToken();
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (path.equals("/create")) {
            create(request, response, user.get());
            return;
        }
        Matcher matcher = USER_PATH.matcher(path);
        if (!matcher.matches() || matcher.group(2) == null) {
            notFound(request, response);
            return;
        }
        String name = matcher.group(1);
        UserChangeRequest change = new UserChangeRequest(token, name, UserAction.CREATE).setClientAddress(request.getRemoteAddr());
        switch (matcher.group(2)) {
            case "role" -> {
                Optional<Role> role = role(field(request, "role"));
                if (role.isEmpty()) {
                    one(request, response, user.get(), name, List.of(), List.of("Choose a role: admin, author, operator or viewer."), Optional.empty());
                    return;
                }
                change.setAction(UserAction.SET_ROLE).setRole(role.get());
            }
            case "enable" -> change.setAction(UserAction.ENABLE);
            case "disable" -> change.setAction(UserAction.DISABLE);
            case "reset" -> {
                change.setAction(UserAction.RESET_PASSWORD);
                String chosen = request.getParameter("password");
                if (chosen != null && !chosen.isEmpty()) {
                    change.setPassword(chosen);
                }
            }
            case "grants" -> {
                Optional<List<Integer>> categories = categories(request);
                if (categories.isEmpty()) {
                    one(request, response, user.get(), name, List.of(), List.of("Function categories are numbers from the list; reload the page."), Optional.empty());
                    return;
                }
                change.setAction(UserAction.SET_GRANTS).setFunctionCategoryIds(categories.get());
            }
            case "logout" -> {
                var ended = web.master().logoutEverywhere(new LogoutEverywhereRequest(token).setUsername(name).setClientAddress(request.getRemoteAddr()));
                seeOther(response, "/users/" + name + "?done=" + URLEncoder.encode("Logged " + name + " out everywhere: "
                        + ended.getSessionsEnded() + " session(s) ended.", UTF_8));
                return;
            }
            case "delete" -> {
                if (!name.equals(field(request, "confirm"))) {
                    one(request, response, user.get(), name, List.of(), List.of("Not deleted: to delete " + name + ", type the user name again in the confirmation field."),
                            Optional.empty());
                    return;
                }
                change.setAction(UserAction.DELETE);
            }
            default -> {
                notFound(request, response);
                return;
            }
        }
        UserChangeReply reply;
        try {
            reply = web.master().userChange(change);
        }
        catch (MasterException e) {
            if (e.code() != org.omserver.protocol.thrift.ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            one(request, response, user.get(), name, List.of(), List.of(e.getMessage()), Optional.empty());
            return;
        }
        String summary = summary(change.getAction(), name, reply);
        if (change.getAction() == UserAction.DELETE) {
            seeOther(response, "/users?done=" + URLEncoder.encode(summary, UTF_8));
        }
        else {
            if (reply.isSetGeneratedPassword()) {
                // shown by the page this redirects to, once: a reload neither shows it again nor resets again
                Sessions.keepGeneratedPassword(request, name, reply.getGeneratedPassword());
            }
            seeOther(response, "/users/" + name + "?done=" + URLEncoder.encode(summary, UTF_8));
        }
    }

    private void create(HttpServletRequest request, HttpServletResponse response, UserSession user)
            throws IOException, MasterException, MasterUnavailableException
    {
        String name = field(request, "username");
        Optional<Role> role = role(field(request, "role"));
        Optional<List<Integer>> categories = categories(request);
        List<String> errors = new ArrayList<>();
        if (name.isEmpty()) {
            errors.add("Enter a user name: 1 to 64 letters, digits, '.', '_' or '-'.");
        }
        if (role.isEmpty()) {
            errors.add("Choose a role: admin, author, operator or viewer.");
        }
        if (categories.isEmpty()) {
            errors.add("Function categories are numbers from the list; reload the page.");
        }
        if (!errors.isEmpty()) {
            list(request, response, user, List.of(), errors);
            return;
        }
        UserChangeRequest change = new UserChangeRequest(user.masterToken(), name, UserAction.CREATE).setRole(role.get())
                .setFunctionCategoryIds(categories.get()).setClientAddress(request.getRemoteAddr());
        String chosen = request.getParameter("password");
        if (chosen != null && !chosen.isEmpty()) {
            change.setPassword(chosen);
        }
        UserChangeReply reply;
        try {
            reply = web.master().userChange(change);
        }
        catch (MasterException e) {
            if (e.code() != org.omserver.protocol.thrift.ErrorCode.INVALID_REQUEST) {
                throw e;
            }
            list(request, response, user, List.of(), List.of(e.getMessage()));
            return;
        }
        String summary = summary(UserAction.CREATE, name, reply);
        if (reply.isSetGeneratedPassword()) {
            Sessions.keepGeneratedPassword(request, reply.getUser().getUsername(), reply.getGeneratedPassword());
        }
        seeOther(response, "/users/" + reply.getUser().getUsername() + "?done=" + URLEncoder.encode(summary, UTF_8));
    }

    private static String summary(UserAction action, String name, UserChangeReply reply)
    {
        String ended = reply.getSessionsEnded() > 0 ? " " + reply.getSessionsEnded() + " session(s) ended." : "";
        return switch (action) {
            case CREATE -> "Created " + name + " as " + lower(reply.getUser().getRole()) + ".";
            case DISABLE -> "Disabled " + name + "." + ended;
            case ENABLE -> "Enabled " + name + ".";
            case DELETE -> "Deleted " + name + "." + ended;
            case SET_ROLE -> "The role of " + name + " is now " + lower(reply.getUser().getRole()) + ".";
            case RESET_PASSWORD -> "Reset the password of " + name + "." + ended;
            case SET_GRANTS -> "Saved the grants of " + name + ".";
        };
    }

    private void list(HttpServletRequest request, HttpServletResponse response, UserSession user, List<String> notices, List<String> errors)
            throws IOException, MasterException, MasterUnavailableException
    {
        List<UserInfo> users = web.master().users(user.masterToken()).getUsers();
        Map<Integer, String> categories = categoryNames(user);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("users", users.stream().map(info -> row(info, categories)).toList());
        model.put("categories", categoryRows(categories, List.of()));
        model.put("roles", roles());
        model.put("notices", notices);
        model.put("errors", errors);
        model.put("form", Map.of("username", field(request, "username"), "role", field(request, "role").isEmpty() ? "viewer" : field(request, "role")));
        web.pages().render(request, response, errors.isEmpty() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST, "users", model);
    }

    private void one(HttpServletRequest request, HttpServletResponse response, UserSession user, String name, List<String> notices, List<String> errors,
            Optional<String> generatedPassword)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserInfo> found = web.master().users(user.masterToken()).getUsers().stream().filter(info -> info.getUsername().equals(name)).findFirst();
        if (found.isEmpty()) {
            web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "No such user",
                    "There is no user " + name + " (names are exact, case matters). See the user list at /users.");
            return;
        }
        Map<Integer, String> categories = categoryNames(user);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("u", row(found.get(), categories));
        model.put("self", name.equals(user.username()));
        model.put("categories", categoryRows(categories, found.get().getGrantedFunctionCategoryIds()));
        model.put("roles", roles());
        model.put("notices", notices);
        model.put("errors", errors);
        generatedPassword.ifPresent(password -> model.put("generatedPassword", password));
        web.pages().render(request, response, errors.isEmpty() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST, "user", model);
    }

    private Map<Integer, String> categoryNames(UserSession user)
            throws MasterException, MasterUnavailableException
    {
        Map<Integer, String> names = new LinkedHashMap<>();
        for (FunctionCategory category : web.master().inventory(user.masterToken()).getFunctionCategories()) {
            names.put(category.getId(), category.getName());
        }
        return names;
    }

    private static List<Map<String, Object>> categoryRows(Map<Integer, String> categories, List<Integer> granted)
    {
        return categories.entrySet().stream().map(e -> Map.<String, Object>of("id", String.valueOf(e.getKey()), "name", e.getValue(),
                "granted", granted.contains(e.getKey()))).toList();
    }

    private static Map<String, Object> row(UserInfo info, Map<Integer, String> categories)
    {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("username", info.getUsername());
        row.put("role", lower(info.getRole()));
        row.put("enabled", info.isEnabled());
        row.put("createdAt", Instant.ofEpochMilli(info.getCreatedAtMillis()).toString());
        row.put("lastLogin", info.isSetLastLoginMillis() ? Instant.ofEpochMilli(info.getLastLoginMillis()).toString() : "never");
        row.put("sessions", String.valueOf(info.getOpenSessions()));
        row.put("grants", info.getGrantedFunctionCategoryIds().stream().map(id -> categories.getOrDefault(id, "#" + id)).toList());
        return row;
    }

    private static List<String> roles()
    {
        return List.of("admin", "author", "operator", "viewer");
    }

    private static Optional<Role> role(String text)
    {
        for (Role role : Role.values()) {
            if (lower(role).equals(text)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** The ticked {@code category} boxes; empty when one is not a number. */
    private static Optional<List<Integer>> categories(HttpServletRequest request)
    {
        String[] values = request.getParameterValues("category");
        List<Integer> ids = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                if (!value.matches("[0-9]{1,9}")) {
                    return Optional.empty();
                }
                ids.add(Integer.parseInt(value));
            }
        }
        return Optional.of(ids);
    }

    private void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such user page. See the user list at /users.");
    }

    private static String lower(Role role)
    {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }
}
