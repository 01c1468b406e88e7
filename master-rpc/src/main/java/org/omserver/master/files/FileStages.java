package org.omserver.master.files;

import java.util.Map;
import java.util.Optional;

import org.omserver.catalog.file.StoredFile;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.FileListReply;
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
import org.omserver.protocol.thrift.StoredFileInfo;

import static java.util.Objects.requireNonNull;

/**
 * The stages of the file store RPCs. Decoding, authentication, authorization (list: every role; upload, remove,
 * re-hash: admin and author, the roles that shape what runs on hosts) and encoding are the shared stages; these do
 * the store's work. The file name goes into the audit row's parameters (non-ASCII shown escaped) before anything is
 * checked, so refused names are audited too.
 */
public final class FileStages
{
    private final Optional<FileStore> store;

    /** @param store empty when files.dir is not configured: every call says so */
    public FileStages(Optional<FileStore> store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    /** For the decode stage: records the file name for the audit. */
    public static void auditName(Call call, String name)
    {
        call.setRawParams(Map.of("file", FileNames.printable(String.valueOf(name))));
    }

    public Stage list()
    {
        return Stage.named("listFiles", call -> {
            FileStore files = store();
            FileListReply reply = new FileListReply(files.list().stream().map(FileStages::info).toList(), files.maxFileBytes());
            call.setReply(reply);
        });
    }

    public Stage beginUpload()
    {
        return Stage.named("beginUpload", call -> {
            FileUploadBeginRequest request = call.request(FileUploadBeginRequest.class);
            String id = work(() -> store().begin(request.getName(), request.getSize(), call.requirePrincipal().username()));
            call.setDetail("upload " + id + ", " + request.getSize() + " bytes");
            call.setReply(new FileUploadBeginReply(id, FileStore.MAX_CHUNK_BYTES));
        });
    }

    public Stage uploadChunk()
    {
        return Stage.named("uploadChunk", call -> {
            FileUploadChunkRequest request = call.request(FileUploadChunkRequest.class);
            long received = work(() -> store().chunk(request.getUploadId(), call.requirePrincipal().username(), request.getOffset(),
                    request.bufferForData()));
            call.setReply(new FileUploadChunkReply(received));
        });
    }

    public Stage commitUpload()
    {
        return Stage.named("commitUpload", call -> {
            FileUploadCommitRequest request = call.request(FileUploadCommitRequest.class);
            FileStore.Committed committed = work(() -> store().commit(request.getUploadId(), call.requirePrincipal().username(), request.getSha256()));
            auditName(call, committed.file().name());
            call.setDetail((committed.replaced() ? "replaced, " : "stored, ") + committed.file().size() + " bytes, sha256 " + committed.file().sha256());
            call.setReply(new FileUploadCommitReply(info(committed.file()), committed.replaced()));
        });
    }

    public Stage remove()
    {
        return Stage.named("removeFile", call -> {
            FileRemoveRequest request = call.request(FileRemoveRequest.class);
            StoredFile removed = work(() -> store().remove(request.getName()));
            call.setDetail("removed, was " + removed.size() + " bytes, sha256 " + removed.sha256());
            call.setReply(new FileRemoveReply(info(removed)));
        });
    }

    public Stage rehash()
    {
        return Stage.named("rehashFiles", call -> {
            FileRehashRequest request = call.request(FileRehashRequest.class);
            FileStore.Rehashed rehashed = work(() -> store().rehash(Optional.ofNullable(request.getName())));
            call.setDetail(rehashed.files().size() + " re-hashed" + (rehashed.changed().isEmpty() ? ", none changed" : "; " + String.join("; ", rehashed.changed())));
            call.setReply(new FileRehashReply(rehashed.files().stream().map(FileStages::info).toList(), rehashed.changed()));
        });
    }

    public static StoredFileInfo info(StoredFile file)
    {
        return new StoredFileInfo(file.name(), file.size(), file.md5(), file.sha256(), file.uploadedBy(), file.uploadedAt().toEpochMilli(),
                file.hashedAt().toEpochMilli());
    }

    private FileStore store()
            throws Refusal
    {
        return store.orElseThrow(() -> new Refusal(ErrorCode.INVALID_REQUEST,
                "the file store is off on this master: set files.dir in the master's configuration and restart it"));
    }

    private static <T> T work(Work<T> work)
            throws Refusal
    {
        try {
            return work.run();
        }
        catch (FileStoreException e) {
            throw new Refusal(switch (e.reason()) {
                case NOT_FOUND, UNKNOWN_UPLOAD -> ErrorCode.NOT_FOUND;
                case IO -> ErrorCode.INTERNAL;
                default -> ErrorCode.INVALID_REQUEST;
            }, e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Work<T>
    {
        T run()
                throws FileStoreException, Refusal;
    }
}
