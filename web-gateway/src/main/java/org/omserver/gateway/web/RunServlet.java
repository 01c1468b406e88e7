package org.omserver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.ModuleInfo;
import org.omserver.protocol.thrift.SubmitReply;
import org.omserver.protocol.thrift.SubmitRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /run}: sends the confirmed choice to the master, which checks it all again, and on success redirects
 * to the job's result page. A refusal goes back to the run page with the master's message.
 */
final class RunServlet
        extends GatewayServlet
{
    private static final Logger log = LoggerFactory.getLogger(RunServlet.class);

    RunServlet(WebContext web)
    {
        super(web);
    }

    @Override
    protected void post(HttpServletRequest request, HttpServletResponse response)
            throws IOException, MasterException, MasterUnavailableException
    {
        Optional<UserSession> user = requireUser(request, response);
        if (user.isEmpty()) {
            return;
        }
        Optional<RunChoice> choice = RunChoice.from(request);
        if (choice.isEmpty()) {
            RunPage.render(web, request, response, user.get(), HttpServletResponse.SC_BAD_REQUEST,
                    List.of("Choose a module and at least one server."), RunPage.Selection.NONE);
            return;
        }
        int moduleId = choice.get().moduleId();
        List<String> targets = choice.get().targets();
        Map<String, String> params = choice.get().params();

        RollingForm rolling = RollingForm.from(request);
        List<String> problems = rollingProblems(web, user.get(), choice.get(), rolling);
        if (!problems.isEmpty()) {
            log.info("{} run of module {} on {} hosts: rolling options refused by the gateway: {}", user.get().username(), moduleId,
                    targets.size(), problems);
            ConfirmServlet.again(web, request, response, user.get(), problems, choice.get(), rolling, ScheduleForm.from(request));
            return;
        }

        SubmitReply reply;
        try {
            SubmitRequest submit = new SubmitRequest(user.get().masterToken(), moduleId, new java.util.ArrayList<>(targets), new LinkedHashMap<>(params));
            submit.setClientAddress(request.getRemoteAddr());
            rolling.options().ifPresent(submit::setRolling);
            reply = web.master().submit(submit);
        }
        catch (MasterException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                throw e;
            }
            if (e.code() == ErrorCode.INVALID_REQUEST && !rolling.values().isEmpty()) {
                // most likely the options (the master knows run.max-parallel); the confirm page keeps them to correct
                log.info("{} run of module {} on {} hosts refused by the master: {}", user.get().username(), moduleId, targets.size(), e.code());
                ConfirmServlet.again(web, request, response, user.get(), List.of("The master refused the run: " + e.getMessage()),
                        choice.get(), rolling, ScheduleForm.from(request));
                return;
            }
            log.info("{} run of module {} on {} hosts refused by the master: {}", user.get().username(), moduleId, targets.size(), e.code());
            Map<String, String> values = new LinkedHashMap<>();
            params.forEach((name, value) -> values.put(RunPage.fieldName(moduleId, name), value));
            int status = e.code() == ErrorCode.FORBIDDEN ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_BAD_REQUEST;
            RunPage.render(web, request, response, user.get(), status, List.of("The master refused the run: " + e.getMessage()),
                    new RunPage.Selection(moduleId, targets, values));
            return;
        }
        log.info("job {}: {} ran module {} ({}) on {} hosts", reply.getJobId(), user.get().username(), reply.getModuleId(),
                reply.getModuleName(), reply.getHosts().size());
        seeOther(response, "/jobs/" + reply.getJobId());
    }
    /** The gateway's wording of what is wrong with the rolling options (none given: nothing wrong). */
    static List<String> rollingProblems(WebContext web, UserSession user, RunChoice choice, RollingForm rolling)
            throws MasterException, MasterUnavailableException
    {
        if (rolling.values().isEmpty()) {
            return List.of();
        }
        int timeout = web.master().catalog(user.masterToken()).getModules().stream().filter(m -> m.getId() == choice.moduleId())
                .filter(ModuleInfo::isSetTimeoutSeconds).mapToInt(ModuleInfo::getTimeoutSeconds).findFirst().orElse(0);
        return rolling.problems(choice.targets().size(), timeout);
    }
}
