package org.omserver.gateway.web;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.omserver.gateway.api.ApiServlet;
import org.omserver.gateway.api.Endpoints;

import java.util.EnumSet;

/** The gateway's URL map, in one place. */
public final class WebApp
{
    private WebApp() {}

    public static void install(ServletContextHandler context, WebContext web)
    {
        EnumSet<DispatcherType> all = EnumSet.allOf(DispatcherType.class);
        // order matters: headers first, so even a CSRF refusal carries them
        context.addFilter(new FilterHolder(new SecurityHeadersFilter()), "/*", all);
        context.addFilter(new FilterHolder(new CsrfFilter(web.pages())), "/*", EnumSet.of(DispatcherType.REQUEST));

        context.addServlet(new ServletHolder("run-page", new RunPageServlet(web)), "");
        context.addServlet(new ServletHolder("login", new LoginServlet(web)), "/login");
        context.addServlet(new ServletHolder("logout", new LogoutServlet(web)), "/logout");
        context.addServlet(new ServletHolder("confirm", new ConfirmServlet(web)), "/confirm");
        context.addServlet(new ServletHolder("run", new RunServlet(web)), "/run");
        ServletHolder jobs = new ServletHolder("jobs", new JobsServlet(web));
        jobs.setAsyncSupported(true);
        context.addServlet(jobs, "/jobs/*");
        // an exact mapping wins over "/jobs/*", so /jobs is the history and /jobs/{id}… stay with JobsServlet
        context.addServlet(new ServletHolder("history", new HistoryServlet(web)), "/jobs");
        context.addServlet(new ServletHolder("modules", new ModulesServlet(web)), "/modules/*");
        context.addServlet(new ServletHolder("schedules", new SchedulesServlet(web)), "/schedules/*");
        ServletHolder files = new ServletHolder("files", new FilesServlet(web));
        // uploads are spooled to the temp directory above 1 MiB, so no file is held in memory; the master bounds the size
        files.getRegistration().setMultipartConfig(new jakarta.servlet.MultipartConfigElement(System.getProperty("java.io.tmpdir"), -1, -1, 1024 * 1024));
        context.addServlet(files, "/files/*");
        context.addServlet(new ServletHolder("agents", new AgentsServlet(web)), "/agents/*");
        ServletHolder inventory = new ServletHolder("inventory", new InventoryServlet(web));
        // the CSV import: at most 5 MiB, spooled to disk above 1 MiB; the master checks it again
        inventory.getRegistration().setMultipartConfig(new jakarta.servlet.MultipartConfigElement(System.getProperty("java.io.tmpdir"),
                InventoryServlet.MAX_CSV_BYTES, InventoryServlet.MAX_CSV_BYTES + 64 * 1024, 1024 * 1024));
        context.addServlet(inventory, "/inventory/*");
        context.addServlet(new ServletHolder("commands", new CommandsServlet(web)), "/commands/*");
        context.addServlet(new ServletHolder("users", new UsersServlet(web)), "/users/*");
        context.addServlet(new ServletHolder("account", new AccountServlet(web)), "/account/*");
        context.addServlet(new ServletHolder("audit", new AuditServlet(web)), "/audit");
        context.addServlet(new ServletHolder("static", new StaticServlet()), "/static/*");
        ServletHolder api = new ServletHolder("api", new ApiServlet(new Endpoints(web)));
        api.setAsyncSupported(true);
        context.addServlet(api, ApiServlet.SERVLET_PATH + "/*");
        context.addServlet(new ServletHolder("not-found", new NotFoundServlet(web)), "/");
    }
}
