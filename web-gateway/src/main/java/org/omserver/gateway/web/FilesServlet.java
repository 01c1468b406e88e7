package org.omserver.gateway.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.omserver.gateway.master.MasterException;
import org.omserver.gateway.master.MasterUnavailableException;
import org.omserver.gateway.session.UserSession;
import org.omserver.protocol.thrift.FileListReply;
import org.omserver.protocol.thrift.FileRehashReply;
import org.omserver.protocol.thrift.FileUploadBeginReply;
import org.omserver.protocol.thrift.StoredFileInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /files}: the master's file store. GET lists it (every role); POST {@code /files/upload} (multipart, the
 * form token in the query string because the filter reads it before the body is parsed), {@code /files/remove}
 * (the name typed again to confirm) and {@code /files/rehash} change it (the master allows admin and author). An
 * upload is spooled to disk by the servlet container, hashed, then relayed to the master in its chunk size with
 * that SHA-256, which the master checks against what it received: the gateway never holds a file in memory.
 */
final class FilesServlet
        extends GatewayServlet
{
    FilesServlet(WebContext web)
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
        List<String> notices = new ArrayList<>();
        String done = request.getParameter("done");
        if (done != null && done.length() <= 200) {
            notices.add(done);
        }
        page(request, response, user.get(), notices);
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
        String address = request.getRemoteAddr();
        String action = request.getPathInfo() == null ? "" : request.getPathInfo();
        switch (action) {
            case "/upload" -> upload(request, response, token, address);
            case "/remove" -> {
                String name = field(request, "name");
                if (!name.equals(field(request, "confirm"))) {
                    web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not removed",
                            "To remove " + name + ", type its name again in the confirmation field.");
                    return;
                }
                web.master().fileRemove(token, name, address);
                seeOther(response, "/files?done=" + java.net.URLEncoder.encode("Removed " + name + ".", java.nio.charset.StandardCharsets.UTF_8));
            }
            case "/rehash" -> {
                FileRehashReply reply = web.master().fileRehash(token, null, address);
                List<String> notices = new ArrayList<>();
                notices.add(reply.getFiles().size() + " file(s) re-hashed, " + reply.getChanged().size() + " changed.");
                notices.addAll(reply.getChanged());
                page(request, response, user.get(), notices);
            }
            default -> web.pages().message(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", "There is no such action on the file store.");
        }
    }

    private void upload(HttpServletRequest request, HttpServletResponse response, String token, String address)
            throws IOException, MasterException, MasterUnavailableException
    {
        Part part;
        try {
            part = request.getPart("file");
        }
        catch (ServletException | IllegalStateException e) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not uploaded", "Send the form with a file chosen (" + e.getMessage() + ").");
            return;
        }
        if (part == null || part.getSubmittedFileName() == null || part.getSubmittedFileName().isEmpty()) {
            web.pages().message(request, response, HttpServletResponse.SC_BAD_REQUEST, "Not uploaded", "Choose a file to upload.");
            return;
        }
        String name = field(request, "name");
        if (name.isEmpty()) {
            name = part.getSubmittedFileName().replaceAll(".*[/\\\\]", "");
        }
        String sha256 = sha256(part);
        FileUploadBeginReply begun = web.master().fileUploadBegin(token, name, part.getSize(), address);
        long offset = 0;
        try (InputStream in = part.getInputStream()) {
            while (offset < part.getSize()) {
                byte[] chunk = in.readNBytes((int) Math.min(begun.getMaxChunkBytes(), part.getSize() - offset));
                if (chunk.length == 0) {
                    break;
                }
                offset = web.master().fileUploadChunk(token, begun.getUploadId(), offset, ByteBuffer.wrap(chunk));
            }
        }
        finally {
            part.delete();
        }
        web.master().fileUploadCommit(token, begun.getUploadId(), sha256, address);
        seeOther(response, "/files?done=" + java.net.URLEncoder.encode("Stored " + name + " (" + offset + " bytes, sha256 " + sha256 + ").",
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private void page(HttpServletRequest request, HttpServletResponse response, UserSession user, List<String> notices)
            throws IOException, MasterException, MasterUnavailableException
    {
        FileListReply reply = web.master().fileList(user.masterToken());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StoredFileInfo file : reply.getFiles()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", file.getName());
            row.put("size", String.valueOf(file.getSize()));
            row.put("md5", file.getMd5());
            row.put("sha256", file.getSha256());
            row.put("uploadedBy", file.getUploadedBy());
            row.put("uploadedAt", Instant.ofEpochMilli(file.getUploadedAtMillis()).toString());
            rows.add(row);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("files", rows);
        model.put("maxBytes", String.valueOf(reply.getMaxFileBytes()));
        model.put("notices", notices);
        model.put("canChange", user.role() == org.omserver.protocol.thrift.Role.ADMIN || user.role() == org.omserver.protocol.thrift.Role.AUTHOR);
        web.pages().render(request, response, HttpServletResponse.SC_OK, "files", model);
    }

    private static String sha256(Part part)
            throws IOException
    {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        try (InputStream in = part.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String field(HttpServletRequest request, String name)
    {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }
}
