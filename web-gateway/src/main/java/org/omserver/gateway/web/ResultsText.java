package org.omserver.gateway.web;

import org.omserver.gateway.master.MasterClient;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.protocol.thrift.HostOutputReply;
import org.omserver.protocol.thrift.HostOutputRequest;
import org.omserver.protocol.thrift.HostSummary;
import org.omserver.protocol.thrift.JobDetailReply;
import org.omserver.protocol.thrift.JobDetailRequest;

import java.io.IOException;
import java.io.Writer;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /jobs/{id}/results.txt}: every host's result as plain text, one block per host in target order:
 * <pre>
 * == &lt;lanIp&gt; &lt;name&gt; &lt;state&gt; exit &lt;code or -&gt;[ &lt;failure reason&gt;]
 * &lt;stdout&gt;
 * -- stderr --
 * &lt;stderr&gt;
 * </pre>
 * Hosts come from {@code jobDetail} a page at a time, output from {@code hostOutput} a page at a time, and each page
 * is written as it arrives, so a job with long outputs is never held in memory whole.
 */
final class ResultsText
{
    private static final int HOSTS_PER_PAGE = 200;
    private static final int CHARS_PER_PAGE = 65_536;

    private final MasterClient master;
    private final String session;
    private final long jobId;

    ResultsText(MasterClient master, String session, long jobId)
    {
        this.master = requireNonNull(master, "master is null");
        this.session = requireNonNull(session, "session is null");
        this.jobId = jobId;
    }

    /** The first page of hosts; asked before anything is written, so an unknown job is still a 404 page. */
    JobDetailReply firstPage()
            throws MasterException, MasterUnavailableException
    {
        return hosts(0);
    }

    void write(JobDetailReply first, Writer out)
            throws IOException, MasterException, MasterUnavailableException
    {
        JobDetailReply page = first;
        int offset = 0;
        while (!page.getHosts().isEmpty()) {
            for (HostSummary host : page.getHosts()) {
                block(host, out);
            }
            offset += page.getHosts().size();
            if (offset >= page.getMatchingHosts()) {
                break;
            }
            page = hosts(offset);
        }
        out.flush();
    }

    private JobDetailReply hosts(int offset)
            throws MasterException, MasterUnavailableException
    {
        JobDetailRequest request = new JobDetailRequest(session, jobId);
        request.setHostOffset(offset);
        request.setHostLimit(HOSTS_PER_PAGE);
        return master.jobDetail(request);
    }

    private void block(HostSummary host, Writer out)
            throws IOException, MasterException, MasterUnavailableException
    {
        out.write("== " + host.getLanIp() + " " + host.getHostName() + " " + host.getState().name()
                + " exit " + (host.isSetExitCode() ? String.valueOf(host.getExitCode()) : "-")
                + (host.isSetFailureReason() && !host.getFailureReason().isEmpty() ? " " + host.getFailureReason() : "") + "\n");
        boolean endsWithNewline = stream(host.getLanIp(), true, out);
        out.write(endsWithNewline ? "-- stderr --\n" : "\n-- stderr --\n");
        if (!stream(host.getLanIp(), false, out)) {
            out.write("\n");
        }
    }

    /** Writes all of one stream, page by page; true when it was empty or ended with a newline. */
    private boolean stream(String lanIp, boolean stdout, Writer out)
            throws IOException, MasterException, MasterUnavailableException
    {
        int offset = 0;
        boolean endsWithNewline = true;
        while (true) {
            HostOutputRequest request = new HostOutputRequest(session, jobId, lanIp);
            // the other stream's offset is past any end, so its pages come back empty
            request.setStdoutOffset(stdout ? offset : Integer.MAX_VALUE);
            request.setStderrOffset(stdout ? Integer.MAX_VALUE : offset);
            request.setLimit(CHARS_PER_PAGE);
            HostOutputReply reply = master.hostOutput(request);
            String text = stdout ? reply.getStdout() : reply.getStderr();
            if (!text.isEmpty()) {
                out.write(text);
                endsWithNewline = text.endsWith("\n");
            }
            int next = stdout ? reply.getNextStdoutOffset() : reply.getNextStderrOffset();
            if ((stdout ? reply.isStdoutEnd() : reply.isStderrEnd()) || next <= offset) {
                return endsWithNewline;
            }
            offset = next;
        }
    }
}
