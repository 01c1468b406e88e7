package org.omserver.master.users;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.audit.AuditQuery;
import org.omserver.catalog.audit.AuditRecord;
import org.omserver.catalog.inventory.FunctionCategory;
import org.omserver.catalog.user.Passwords;
import org.omserver.catalog.user.Role;
import org.omserver.catalog.user.User;
import org.omserver.catalog.user.UserAccount;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Principal;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.master.pipeline.Stages.Permission;
import org.omserver.master.session.SessionStore;
import org.omserver.protocol.thrift.AuditQueryReply;
import org.omserver.protocol.thrift.AuditQueryRequest;
import org.omserver.protocol.thrift.ChangePasswordReply;
import org.omserver.protocol.thrift.ChangePasswordRequest;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.LogoutEverywhereReply;
import org.omserver.protocol.thrift.LogoutEverywhereRequest;
import org.omserver.protocol.thrift.UserAction;
import org.omserver.protocol.thrift.UserChangeReply;
import org.omserver.protocol.thrift.UserChangeRequest;
import org.omserver.protocol.thrift.UserInfo;
import org.omserver.protocol.thrift.UsersReply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * User management, grants, one's own password, logout everywhere and the audit viewer (issue 4). The permission
 * checks are {@code authorize} stages in MasterHandler; these stages add the rules of the accounts themselves. An admin
 * cannot disable, delete or demote their own account, so the caller (an enabled admin) always leaves one admin behind.
 */
public final class UserStages
{
    public static final int DEFAULT_AUDIT_PAGE = 100;

    private final Catalog catalog;
    private final SessionStore sessions;

    public UserStages(Catalog catalog, SessionStore sessions)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    /** Every user with role, state, grants and open sessions. */
    public Stage listUsers()
    {
        return Stage.named("listUsers", call -> call.setReply(new UsersReply(new ArrayList<>(catalog.users().list().stream().map(this::info).toList()))));
    }

    /** One change of one user, as the request's action says; the detail names it for the audit log (never a password). */
    public Stage changeUser()
    {
        return Stage.named("changeUser", call -> {
            UserChangeRequest request = call.request(UserChangeRequest.class);
            String username = requireNonNull(request.getUsername(), "username is null");
            String actor = call.requirePrincipal().username();
            UserAction action = request.getAction();
            if (action == null) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "no action given; use one of " + Arrays.toString(UserAction.values()));
            }
            call.setDetail(action.name().toLowerCase(Locale.ROOT) + " " + username);
            if (request.isSetPassword() && action != UserAction.CREATE && action != UserAction.RESET_PASSWORD) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "a password goes only with create or reset_password, not with " + action.name().toLowerCase(Locale.ROOT));
            }
            if (action == UserAction.CREATE) {
                create(call, request, username);
                return;
            }
            User user = existing(username);
            boolean self = user.username().equals(actor);
            Optional<String> password = Optional.empty();
            int ended = 0;
            switch (action) {
                case DISABLE -> {
                    refuseSelf(self, "disable");
                    catalog.users().setEnabled(username, false);
                    ended = sessions.removeUser(username, Optional.empty());
                }
                case ENABLE -> catalog.users().setEnabled(username, true);
                case DELETE -> {
                    refuseSelf(self, "delete");
                    UserInfo before = info(catalog.users().account(username).orElseThrow());
                    catalog.users().delete(username);
                    ended = sessions.removeUser(username, Optional.empty());
                    call.setReply(new UserChangeReply(before, ended));
                    call.setDetail("delete " + username + " (was " + before.getRole().name().toLowerCase(Locale.ROOT) + "); ended " + ended + " sessions");
                    return;
                }
                case SET_ROLE -> {
                    Role role = role(request);
                    if (self && role != Role.ADMIN) {
                        throw new Refusal(ErrorCode.INVALID_REQUEST, "you cannot take the admin role from yourself; ask another admin to do it");
                    }
                    catalog.users().setRole(username, role);
                    // sessions follow the account on every call; the role applies at once without ending them
                    call.setDetail("set role of " + username + " from " + user.role().name().toLowerCase(Locale.ROOT) + " to " + role.name().toLowerCase(Locale.ROOT));
                }
                case RESET_PASSWORD -> {
                    char[] chosen = chosenPassword(request);
                    char[] fresh = chosen != null ? chosen : Passwords.generate();
                    catalog.users().setPassword(username, fresh);
                    if (chosen == null) {
                        password = Optional.of(new String(fresh));
                    }
                    Arrays.fill(fresh, '\0');
                    call.setDetail("reset password of " + username + (chosen == null ? " (generated)" : " (chosen by " + actor + ")"));
                    ended = sessions.removeUser(username, self ? call.sessionToken() : Optional.empty());
                }
                case SET_GRANTS -> {
                    Set<Integer> categories = categories(request);
                    catalog.users().setGrants(username, categories, actor);
                    call.setDetail("set grants of " + username + " to " + names(categories)
                            + (user.role() == Role.OPERATOR ? "" : " (grants matter only while the role is operator)"));
                }
                default -> throw new IllegalStateException("unhandled action " + action);
            }
            if (ended > 0) {
                call.setDetail(call.detail().orElse("") + "; ended " + ended + " sessions");
            }
            UserChangeReply reply = new UserChangeReply(info(catalog.users().account(username).orElseThrow()), ended);
            password.ifPresent(reply::setGeneratedPassword);
            call.setReply(reply);
        });
    }

    private void create(Call call, UserChangeRequest request, String username)
            throws Refusal
    {
        Role role = request.isSetRole() ? role(request) : Role.VIEWER;
        Set<Integer> categories = request.isSetFunctionCategoryIds() ? categories(request) : Set.of();
        char[] chosen = chosenPassword(request);
        char[] password = chosen != null ? chosen : Passwords.generate();
        try {
            catalog.users().create(username, password, role);
        }
        catch (IllegalArgumentException e) {
            Arrays.fill(password, '\0');
            throw new Refusal(ErrorCode.INVALID_REQUEST, "cannot create user '" + cutName(username) + "': " + e.getMessage());
        }
        if (!categories.isEmpty()) {
            catalog.users().setGrants(username, categories, call.requirePrincipal().username());
        }
        call.setDetail("create " + username + " as " + role.name().toLowerCase(Locale.ROOT) + (categories.isEmpty() ? "" : ", grants " + names(categories))
                + (chosen == null ? "" : ", password chosen by the admin"));
        UserChangeReply reply = new UserChangeReply(info(catalog.users().account(username).orElseThrow()), 0);
        if (chosen == null) {
            reply.setGeneratedPassword(new String(password));
        }
        Arrays.fill(password, '\0');
        call.setReply(reply);
    }

    /** The password the admin chose for CREATE or RESET_PASSWORD, checked against the policy; null when none was given (generate one). */
    private static char[] chosenPassword(UserChangeRequest request)
            throws Refusal
    {
        if (!request.isSetPassword() || request.getPassword().isEmpty()) {
            return null;
        }
        char[] chosen = request.getPassword().toCharArray();
        Optional<String> problem = Passwords.policyProblem(chosen);
        if (problem.isPresent()) {
            Arrays.fill(chosen, '\0');
            throw new Refusal(ErrorCode.INVALID_REQUEST, "the chosen password is not allowed: " + problem.get() + "; or leave it empty to have one generated");
        }
        return chosen;
    }

    /** Changes the caller's own password; the old one must be right, the new one must meet the policy. Other sessions end. */
    public Stage changeOwnPassword()
    {
        return Stage.named("changeOwnPassword", call -> {
            ChangePasswordRequest request = call.request(ChangePasswordRequest.class);
            String username = call.requirePrincipal().username();
            User user = existing(username);
            char[] old = request.getOldPassword().toCharArray();
            char[] fresh = request.getNewPassword().toCharArray();
            try {
                if (!Passwords.verify(old, user.passwordHash())) {
                    throw new Refusal(ErrorCode.INVALID_REQUEST, "the current password is wrong; enter the password you logged in with");
                }
                Optional<String> problem = Passwords.policyProblem(fresh);
                if (problem.isPresent()) {
                    throw new Refusal(ErrorCode.INVALID_REQUEST, problem.get());
                }
                if (Arrays.equals(old, fresh)) {
                    throw new Refusal(ErrorCode.INVALID_REQUEST, "the new password is the current one; choose a different password");
                }
                catalog.users().setPassword(username, fresh);
            }
            finally {
                Arrays.fill(old, '\0');
                Arrays.fill(fresh, '\0');
            }
            int ended = sessions.removeUser(username, call.sessionToken());
            call.setDetail("changed own password; ended " + ended + " other sessions");
            call.setReply(new ChangePasswordReply(ended));
        });
    }

    /** Ends every session and API token of a user: one's own for any role, another user's for admins only. */
    public Stage logoutEverywhere()
    {
        return Stage.named("logoutEverywhere", call -> {
            LogoutEverywhereRequest request = call.request(LogoutEverywhereRequest.class);
            Principal principal = call.requirePrincipal();
            String username = request.isSetUsername() && !request.getUsername().isBlank() ? request.getUsername() : principal.username();
            if (!username.equals(principal.username()) && !Permission.MANAGE_USERS.allows(principal.role())) {
                throw new Refusal(ErrorCode.FORBIDDEN, "your role " + principal.role().name().toLowerCase(Locale.ROOT)
                        + " may log out only yourself everywhere; ask an admin to end the sessions of " + cutName(username));
            }
            if (!username.equals(principal.username())) {
                existing(username);
            }
            int ended = sessions.removeUser(username, Optional.empty());
            call.setDetail("logged out " + username + " everywhere: ended " + ended + " sessions");
            call.setReply(new LogoutEverywhereReply(username, ended));
        });
    }

    /** A page of the audit log with the request's filters. */
    public Stage queryAudit()
    {
        return Stage.named("queryAudit", call -> {
            AuditQueryRequest request = call.request(AuditQueryRequest.class);
            List<String> problems = new ArrayList<>();
            int limit = request.isSetLimit() ? request.getLimit() : DEFAULT_AUDIT_PAGE;
            if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
                problems.add("limit must be 1 to " + AuditQuery.MAX_LIMIT + ", was " + limit);
            }
            Optional<String> outcome = text(request.isSetOutcome() ? request.getOutcome() : null);
            if (outcome.isPresent() && !outcome.get().equals("accepted") && !outcome.get().equals("refused")
                    && Arrays.stream(ErrorCode.values()).noneMatch(code -> code.name().equals(outcome.get()))) {
                problems.add("outcome must be accepted, refused or an error code (" + Arrays.stream(ErrorCode.values()).map(Enum::name)
                        .collect(Collectors.joining(", ")) + "), was '" + cutName(outcome.get()) + "'");
            }
            Optional<String> search = text(request.isSetText() ? request.getText() : null);
            if (search.isPresent() && search.get().length() > AuditQuery.MAX_TEXT) {
                problems.add("the search text is longer than " + AuditQuery.MAX_TEXT + " characters; search for a shorter part");
            }
            if (request.isSetSinceMillis() && request.isSetUntilMillis() && request.getSinceMillis() >= request.getUntilMillis()) {
                problems.add("since must be before until");
            }
            if (request.isSetBeforeId() && request.getBeforeId() < 0) {
                problems.add("beforeId must be 0 or more, was " + request.getBeforeId());
            }
            if (request.isSetAfterId() && request.getAfterId() < 0) {
                problems.add("afterId must be 0 or more, was " + request.getAfterId());
            }
            if (request.isSetBeforeId() && request.getBeforeId() > 0 && request.isSetAfterId()) {
                problems.add("give beforeId (older page) or afterId (newer page), not both");
            }
            if (!problems.isEmpty()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "invalid audit query: " + String.join("; ", problems));
            }
            AuditQuery query = new AuditQuery(request.isSetBeforeId() && request.getBeforeId() > 0 ? OptionalLong.of(request.getBeforeId()) : OptionalLong.empty(),
                    request.isSetAfterId() ? OptionalLong.of(request.getAfterId()) : OptionalLong.empty(), limit, text(request.getActor()), text(request.getAction()), outcome,
                    request.isSetSinceMillis() ? Optional.of(Instant.ofEpochMilli(request.getSinceMillis())) : Optional.empty(),
                    request.isSetUntilMillis() ? Optional.of(Instant.ofEpochMilli(request.getUntilMillis())) : Optional.empty(), search);
            List<AuditRecord> records = catalog.audit().query(query);
            AuditQueryReply reply = new AuditQueryReply(new ArrayList<>(records.stream().map(UserStages::record).toList()));
            if (records.size() == limit || request.isSetAfterId() && !records.isEmpty()) {
                reply.setNextBeforeId(records.getLast().id());
            }
            call.setReply(reply);
        });
    }

    private static org.omserver.protocol.thrift.AuditRecord record(AuditRecord stored)
    {
        var entry = stored.entry();
        var record = new org.omserver.protocol.thrift.AuditRecord(stored.id(), entry.at().toEpochMilli(), entry.actor(), entry.clientAddress(),
                entry.action(), entry.params(), entry.targets(), entry.outcome());
        entry.moduleId().ifPresent(record::setModuleId);
        entry.detail().ifPresent(record::setDetail);
        return record;
    }

    private static Optional<String> text(String value)
    {
        return Optional.ofNullable(value).map(String::trim).filter(text -> !text.isEmpty());
    }

    private User existing(String username)
            throws Refusal
    {
        return catalog.users().find(username).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                "user '" + cutName(username) + "' does not exist; names are exact (case matters): see the user list"));
    }

    private static void refuseSelf(boolean self, String verb)
            throws Refusal
    {
        if (self) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "you cannot " + verb + " your own account; ask another admin to do it");
        }
    }

    private static Role role(UserChangeRequest request)
            throws Refusal
    {
        if (!request.isSetRole()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "no role given; use admin, author, operator or viewer");
        }
        return Role.valueOf(request.getRole().name());
    }

    private Set<Integer> categories(UserChangeRequest request)
            throws Refusal
    {
        Set<Integer> wanted = new TreeSet<>(request.isSetFunctionCategoryIds() ? request.getFunctionCategoryIds() : List.of());
        Set<Integer> known = catalog.inventory().functionCategories().stream().map(FunctionCategory::id).collect(Collectors.toSet());
        List<Integer> unknown = wanted.stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_REQUEST, "unknown function categories: " + unknown.stream().limit(20).map(String::valueOf)
                    .collect(Collectors.joining(", ")) + "; grant categories of the inventory");
        }
        return wanted;
    }

    private String names(Set<Integer> categories)
    {
        if (categories.isEmpty()) {
            return "none";
        }
        return catalog.inventory().functionCategories().stream().filter(c -> categories.contains(c.id()))
                .map(c -> c.name() + " (" + c.id() + ")").collect(Collectors.joining(", "));
    }

    private UserInfo info(UserAccount account)
    {
        User user = account.user();
        UserInfo info = new UserInfo(user.username(), org.omserver.protocol.thrift.Role.valueOf(user.role().name()), user.enabled(),
                account.createdAt().toEpochMilli(), new ArrayList<>(account.grantedFunctionCategoryIds()), sessions.countUser(user.username()));
        account.lastLogin().ifPresent(at -> info.setLastLoginMillis(at.toEpochMilli()));
        return info;
    }

    private static String cutName(String name)
    {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 64 ? printable : printable.substring(0, 63) + "…";
    }
}
