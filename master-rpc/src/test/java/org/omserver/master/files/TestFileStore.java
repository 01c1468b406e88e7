package org.omserver.master.files;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.thrift.TException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.omserver.catalog.audit.AuditEntry;
import org.omserver.catalog.file.StoredFile;
import org.omserver.catalog.user.Role;
import org.omserver.master.rpc.TestingMaster;
import org.omserver.master.rpc.TestingMasterClient;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.FileListReply;
import org.omserver.protocol.thrift.FileListRequest;
import org.omserver.protocol.thrift.FileRehashReply;
import org.omserver.protocol.thrift.FileRehashRequest;
import org.omserver.protocol.thrift.FileRemoveReply;
import org.omserver.protocol.thrift.FileRemoveRequest;
import org.omserver.protocol.thrift.FileUploadBeginReply;
import org.omserver.protocol.thrift.FileUploadBeginRequest;
import org.omserver.protocol.thrift.FileUploadChunkReply;
import org.omserver.protocol.thrift.FileUploadChunkRequest;
import org.omserver.protocol.thrift.FileUploadCommitReply;
import org.omserver.protocol.thrift.FileUploadCommitRequest;
import org.omserver.protocol.thrift.OmsError;
import org.omserver.protocol.thrift.StoredFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file store on a real master (MariaDB, files on disk), through its Thrift RPCs with v2 envelopes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class TestFileStore
{
    private static final long MAX = 3 * 1024 * 1024;

    private TestingMaster master;
    private TestingMasterClient client;
    private Path dir;
    private String admin;
    private String author;
    private String viewer;
    private String operator;

    @BeforeAll
    void start(@TempDir Path temp)
            throws Exception
    {
        dir = temp.resolve("store");
        master = new TestingMaster(Map.of("files.dir", dir.toString(), "files.max-bytes", String.valueOf(MAX), "files.upload-idle", "10m"));
        master.catalog().users().create("operator", "pw-operator".toCharArray(), Role.OPERATOR);
        client = master.client();
        admin = client.login("admin", "pw-admin").getSession();
        author = client.login("author", "pw-author").getSession();
        viewer = client.login("viewer", "pw-viewer").getSession();
        operator = client.login("operator", "pw-operator").getSession();
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try (TestingMaster closing = master) {
            client.close();
        }
    }

    @Test
    void uploadInChunksListRehashAndRemove()
            throws Exception
    {
        byte[] content = bytes(2 * 1024 * 1024 + 12345, 1);
        FileUploadCommitReply committed = upload(author, "nginx.conf", content);
        assertThat(committed.isReplaced()).isFalse();
        assertThat(committed.getFile().getSha256()).isEqualTo(hex("SHA-256", content));
        assertThat(committed.getFile().getMd5()).isEqualTo(hex("MD5", content));
        assertThat(Files.readAllBytes(dir.resolve("nginx.conf"))).isEqualTo(content);

        FileListReply list = client.call("fileList", new FileListRequest(viewer), new FileListReply());
        assertThat(list.getMaxFileBytes()).isEqualTo(MAX);
        StoredFileInfo info = list.getFiles().stream().filter(f -> f.getName().equals("nginx.conf")).findFirst().orElseThrow();
        assertThat(info.getSize()).isEqualTo(content.length);
        assertThat(info.getUploadedBy()).isEqualTo("author");
        assertThat(info.getSha256()).isEqualTo(hex("SHA-256", content));

        // replacing keeps one row and swaps the content whole
        byte[] second = bytes(1000, 2);
        assertThat(upload(admin, "nginx.conf", second).isReplaced()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("nginx.conf"))).isEqualTo(second);
        assertThat(master.catalog().files().find("nginx.conf").orElseThrow().uploadedBy()).isEqualTo("admin");

        // someone changes the file on disk behind the master's back: genmd5 notices and records the new sums
        byte[] tampered = bytes(1000, 3);
        Files.write(dir.resolve("nginx.conf"), tampered);
        FileRehashReply rehash = client.call("fileRehash", new FileRehashRequest(author), new FileRehashReply());
        assertThat(rehash.getChanged()).singleElement().asString().startsWith("nginx.conf: content changed on disk");
        assertThat(master.catalog().files().find("nginx.conf").orElseThrow().sha256()).isEqualTo(hex("SHA-256", tampered));
        FileRehashReply again = client.call("fileRehash", new FileRehashRequest(author).setName("nginx.conf"), new FileRehashReply());
        assertThat(again.getChanged()).isEmpty();

        FileRemoveReply removed = client.call("fileRemove", new FileRemoveRequest(author, "nginx.conf"), new FileRemoveReply());
        assertThat(removed.getRemoved().getName()).isEqualTo("nginx.conf");
        assertThat(dir.resolve("nginx.conf")).doesNotExist();
        assertThat(master.catalog().files().find("nginx.conf")).isEmpty();
        assertThatThrownBy(() -> client.call("fileRemove", new FileRemoveRequest(author, "nginx.conf"), new FileRemoveReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("the file store has no file named nginx.conf");

        assertThat(audit("fileUploadCommit")).anySatisfy(entry -> {
            assertThat(entry.actor()).isEqualTo("author");
            assertThat(entry.outcome()).isEqualTo("accepted");
            assertThat(entry.params()).isEqualTo("file=nginx.conf");
            assertThat(entry.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("stored, " + content.length + " bytes"));
        });
        assertThat(audit("fileRemove")).extracting(AuditEntry::outcome).contains("accepted", "NOT_FOUND");
        assertThat(audit("fileRehash")).extracting(AuditEntry::outcome).contains("accepted");
    }

    @Test
    void aChecksumMismatchLeavesNothing()
            throws Exception
    {
        byte[] content = bytes(5000, 4);
        String id = begin(author, "damaged.bin", content.length);
        chunk(author, id, 0, content);
        String wrong = hex("SHA-256", bytes(5000, 5));
        assertThatThrownBy(() -> client.call("fileUploadCommit", new FileUploadCommitRequest(author, id, wrong), new FileUploadCommitReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("the SHA-256 of the bytes received is " + hex("SHA-256", content) + ", not the " + wrong)
                .hasMessageContaining("upload it again");
        assertNothingLeft("damaged.bin");
        // the failed upload is gone: it cannot be committed later with the right sum
        assertThatThrownBy(() -> client.call("fileUploadCommit", new FileUploadCommitRequest(author, id, hex("SHA-256", content)), new FileUploadCommitReply()))
                .hasMessageContaining("no upload " + id + " is in progress for you");
        assertThat(audit("fileUploadCommit")).anySatisfy(entry -> assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST"));
    }

    @Test
    void anInterruptedUploadLeavesNothing()
            throws Exception
    {
        // a client that stops after one chunk: nothing is listed, and the temporary file goes when the upload idles out
        byte[] content = bytes(1_500_000, 6);
        String id = begin(author, "interrupted.tgz", content.length);
        chunk(author, id, 0, Arrays.copyOf(content, FileStoreChunk.SIZE));
        assertThat(master.catalog().files().find("interrupted.tgz")).isEmpty();
        assertThat(dir.resolve("interrupted.tgz")).doesNotExist();
        master.clock().advance(Duration.ofMinutes(11));
        assertThat(master.server().files().orElseThrow().uploadsInProgress()).isZero();
        assertNothingLeft("interrupted.tgz");

        // chunks out of order end the upload too
        String other = begin(author, "unordered.tgz", content.length);
        assertThatThrownBy(() -> chunk(author, other, 1000, Arrays.copyOf(content, 10)))
                .hasMessageContaining("the chunk starts at byte 1000 but 0 bytes were received so far");
        assertNothingLeft("unordered.tgz");
    }

    @Test
    void oversizedUploadsAreRefused()
            throws Exception
    {
        assertThatThrownBy(() -> begin(author, "huge.iso", MAX + 1))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("the file has " + (MAX + 1) + " bytes; the store takes at most " + MAX + " (files.max-bytes");
        // a client that declares less than it sends
        String id = begin(author, "liar.bin", 10);
        assertThatThrownBy(() -> chunk(author, id, 0, bytes(11, 7)))
                .hasMessageContaining("the upload declared 10 bytes but more arrived");
        assertNothingLeft("liar.bin");
        assertThat(audit("fileUploadBegin")).anySatisfy(entry -> {
            assertThat(entry.outcome()).isEqualTo("INVALID_REQUEST");
            assertThat(entry.params()).isEqualTo("file=huge.iso");
        });
    }

    @Test
    void hostileNamesAreRefusedWithClearMessages()
    {
        Map<String, String> refused = Map.of(
                "../etc/passwd", "contains a path separator",
                "..", "contains '..': path traversal is not allowed",
                "a..b", "contains '..'",
                ".bashrc", "starts with a dot: hidden files are not allowed",
                "evil\u202Etxt.exe", "contains control or invisible (bidi, zero-width) characters",
                "tab\tname", "contains control or invisible",
                "zero\u200Bwidth", "contains control or invisible",
                "x".repeat(129), "has 129 characters; at most 128 are allowed",
                "space name", "may use only letters A-Z a-z, digits, '.', '_' and '-'",
                "", "the file name is empty");
        refused.forEach((name, message) -> assertThatThrownBy(() -> begin(author, name, 1))
                .as(name).isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining(message));
        assertThatThrownBy(() -> client.call("fileRemove", new FileRemoveRequest(author, "../../etc/passwd"), new FileRemoveReply()))
                .hasMessageContaining("contains a path separator");
        // the audit shows the bidi override escaped, so the row reads as what was sent
        assertThat(audit("fileUploadBegin")).anySatisfy(entry -> assertThat(entry.params()).isEqualTo("file=evil\\u202Etxt.exe"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).doesNotContain("..", ".bashrc").allMatch(n -> !n.contains("\u202E"));
        }
        catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyAdminsAndAuthorsChangeTheStoreAndRefusalsAreAudited()
            throws Exception
    {
        upload(admin, "roles.txt", bytes(10, 8));
        for (String session : List.of(viewer, operator)) {
            assertThatThrownBy(() -> begin(session, "sneaky.txt", 1))
                    .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThatThrownBy(() -> client.call("fileRemove", new FileRemoveRequest(session, "roles.txt"), new FileRemoveReply()))
                    .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThatThrownBy(() -> client.call("fileRehash", new FileRehashRequest(session), new FileRehashReply()))
                    .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThat(client.call("fileList", new FileListRequest(session), new FileListReply()).getFiles())
                    .extracting(StoredFileInfo::getName).contains("roles.txt");
        }
        // an upload begun by one user cannot be continued by another
        String id = begin(author, "mine.txt", 3);
        assertThatThrownBy(() -> chunk(admin, id, 0, bytes(3, 9))).hasMessageContaining("is in progress for you");
        chunk(author, id, 0, bytes(3, 9));
        client.call("fileUploadCommit", new FileUploadCommitRequest(author, id, hex("SHA-256", bytes(3, 9))), new FileUploadCommitReply());
        assertThatThrownBy(() -> client.call("fileList", new FileListRequest("not-a-session"), new FileListReply()))
                .isInstanceOfSatisfying(OmsError.class, e -> assertThat(e.getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED));

        assertThat(master.catalog().files().find("roles.txt")).isPresent();
        assertThat(audit("fileUploadBegin")).filteredOn(entry -> entry.outcome().equals("FORBIDDEN")).extracting(AuditEntry::actor)
                .contains("viewer", "operator");
        assertThat(audit("fileRemove")).filteredOn(entry -> entry.outcome().equals("FORBIDDEN")).extracting(AuditEntry::actor)
                .contains("viewer", "operator");
    }

    @Test
    void theStoreRefusesNamesAndChecksOffsetsOnReads()
            throws Exception
    {
        FileStore store = master.server().files().orElseThrow();
        byte[] content = bytes(3000, 10);
        upload(author, "readable.txt", content);
        FileStore.Chunk chunk = store.read("readable.txt", 1000, 500);
        byte[] read = new byte[chunk.data().remaining()];
        chunk.data().get(read);
        assertThat(read).isEqualTo(Arrays.copyOfRange(content, 1000, 1500));
        assertThat(store.read("readable.txt", 2900, 500).data().remaining()).isEqualTo(100);
        assertThatThrownBy(() -> store.read("readable.txt", 3001, 10)).hasMessageContaining("offset 3001 is outside readable.txt (3000 bytes)");
        assertThatThrownBy(() -> store.read("../readable.txt", 0, 10)).hasMessageContaining("path separator");
        StoredFile row = master.catalog().files().find("readable.txt").orElseThrow();
        assertThat(row.size()).isEqualTo(3000);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private FileUploadCommitReply upload(String session, String name, byte[] content)
            throws TException
    {
        String id = begin(session, name, content.length);
        for (int offset = 0; offset < content.length; offset += FileStoreChunk.SIZE) {
            chunk(session, id, offset, Arrays.copyOfRange(content, offset, Math.min(content.length, offset + FileStoreChunk.SIZE)));
        }
        return client.call("fileUploadCommit", new FileUploadCommitRequest(session, id, hex("SHA-256", content)), new FileUploadCommitReply());
    }

    private String begin(String session, String name, long size)
            throws TException
    {
        FileUploadBeginReply reply = client.call("fileUploadBegin", new FileUploadBeginRequest(session, name, size), new FileUploadBeginReply());
        assertThat(reply.getMaxChunkBytes()).isEqualTo(FileStore.MAX_CHUNK_BYTES);
        return reply.getUploadId();
    }

    private long chunk(String session, String id, long offset, byte[] data)
            throws TException
    {
        return client.call("fileUploadChunk", new FileUploadChunkRequest(session, id, offset, ByteBuffer.wrap(data)), new FileUploadChunkReply()).getReceived();
    }

    private void assertNothingLeft(String name)
    {
        assertThat(master.catalog().files().find(name)).isEmpty();
        assertThat(dir.resolve(name)).doesNotExist();
        assertThat(dir.resolve(".uploads")).isEmptyDirectory();
    }

    private List<AuditEntry> audit(String action)
    {
        return master.catalog().audit().latest(500).stream().filter(entry -> entry.action().equals(action)).toList();
    }

    private static byte[] bytes(int size, long seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String hex(String algorithm, byte[] content)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static final class FileStoreChunk
    {
        static final int SIZE = FileStore.MAX_CHUNK_BYTES;
    }
}
