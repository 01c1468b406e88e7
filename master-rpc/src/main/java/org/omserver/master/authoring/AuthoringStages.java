package org.omserver.master.authoring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.omserver.catalog.Catalog;
import org.omserver.catalog.module.InvalidModuleException;
import org.omserver.catalog.module.ModuleChange;
import org.omserver.catalog.module.ModuleChangeException;
import org.omserver.catalog.module.ModuleDefinition;
import org.omserver.catalog.module.ModuleFiles;
import org.omserver.catalog.module.ModuleSource;
import org.omserver.catalog.module.ParamSpec;
import org.omserver.catalog.module.ParamType;
import org.omserver.catalog.module.ParamValidator;
import org.omserver.catalog.module.ParameterException;
import org.omserver.catalog.module.StoredModule;
import org.omserver.catalog.module.ValidatedParams;
import org.omserver.master.pipeline.Call;
import org.omserver.master.pipeline.Refusal;
import org.omserver.master.pipeline.Replies;
import org.omserver.master.pipeline.Stage;
import org.omserver.protocol.thrift.ErrorCode;
import org.omserver.protocol.thrift.ModuleChangeReply;
import org.omserver.protocol.thrift.ModuleDeleteRequest;
import org.omserver.protocol.thrift.ModuleEnableRequest;
import org.omserver.protocol.thrift.ModuleGetReply;
import org.omserver.protocol.thrift.ModuleGetRequest;
import org.omserver.protocol.thrift.ModulePreviewReply;
import org.omserver.protocol.thrift.ModulePreviewRequest;
import org.omserver.protocol.thrift.ModuleRollbackRequest;
import org.omserver.protocol.thrift.ModuleSaveRequest;
import org.omserver.protocol.thrift.ModuleVersionInfo;
import org.omserver.protocol.thrift.ModuleVersionsReply;
import org.omserver.protocol.thrift.ModuleVersionsRequest;

import static java.util.Objects.requireNonNull;

/**
 * The stages of the module authoring RPCs (issue 4). Decoding, authentication, authorization and encoding are the
 * shared stages of {@code Stages}; these do the catalog work. Every change goes through the catalog's
 * {@code ModuleRepository}, which checks the definition and writes a version row in the same transaction; the audit
 * row (by the pipeline) carries the module id and, as detail, the new version and what changed.
 */
public final class AuthoringStages
{
    /** OMServer's built-in modules: deleting one needs an extra confirmation. */
    public static final int FIRST_BUILTIN = 1001;
    public static final int LAST_BUILTIN = 1007;
    private static final int MAX_PREVIEW_PARAMS = 64;

    private final Catalog catalog;

    public AuthoringStages(Catalog catalog)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Replies with the module, its module-file JSON and its version. */
    public Stage getModule()
    {
        return Stage.named("getModule", call -> {
            int id = call.request(ModuleGetRequest.class).getModuleId();
            StoredModule stored = catalog.modules().source(id).orElseThrow(() -> notFound(id));
            ModuleDefinition module = catalog.modules().find(id).orElseThrow(() -> notFound(id));
            call.setReply(new ModuleGetReply(Replies.module(module), ModuleFiles.write(stored.source()), stored.version()));
        });
    }

    /** Adds the module the request's module file describes. */
    public Stage createModule()
    {
        return Stage.named("createModule", call -> {
            ModuleSource source = read(call.request(ModuleSaveRequest.class).getDefinition());
            if (source.id() != 0) {
                call.setModuleId(source.id());
            }
            ModuleChange change = change(() -> catalog.modules().create(source, actor(call)));
            changed(call, change);
        });
    }

    /** Replaces a module with the request's module file, if it is still at the version the edit started from. */
    public Stage updateModule()
    {
        return Stage.named("updateModule", call -> {
            ModuleSaveRequest request = call.request(ModuleSaveRequest.class);
            ModuleSource source = read(request.getDefinition());
            if (source.id() <= 0) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "the module file has no id: give the id of the module to change (or create a new module)");
            }
            call.setModuleId(source.id());
            if (!request.isSetExpectedVersion()) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "expectedVersion is missing: give the version your edit started from (see moduleGet)");
            }
            changed(call, change(() -> catalog.modules().update(source, request.getExpectedVersion(), "update", actor(call))));
        });
    }

    /** Enables or disables a module (a new version; nothing else changes). */
    public Stage setEnabled()
    {
        return Stage.named("setEnabled", call -> {
            ModuleEnableRequest request = call.request(ModuleEnableRequest.class);
            StoredModule stored = catalog.modules().source(request.getModuleId()).orElseThrow(() -> notFound(request.getModuleId()));
            changed(call, change(() -> catalog.modules().update(stored.source().withEnabled(request.isEnabled()), request.getExpectedVersion(),
                    request.isEnabled() ? "enable" : "disable", actor(call))));
        });
    }

    /** Deletes a module after the confirm step; built-ins need their own confirmation. Its history stays. */
    public Stage deleteModule()
    {
        return Stage.named("deleteModule", call -> {
            ModuleDeleteRequest request = call.request(ModuleDeleteRequest.class);
            int id = request.getModuleId();
            if (request.getConfirmModuleId() != id) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "deleting module " + id + " was not confirmed: confirm by repeating its id");
            }
            if (id >= FIRST_BUILTIN && id <= LAST_BUILTIN && !(request.isSetConfirmBuiltin() && request.isConfirmBuiltin())) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "module " + id + " is an OMServer built-in; confirm that you mean to delete a built-in "
                        + "(it can be restored by rolling back to a version before the deletion)");
            }
            changed(call, change(() -> catalog.modules().delete(id, request.getExpectedVersion(), actor(call))));
        });
    }

    /** Lists the module's versions, newest first (also for a deleted module). */
    public Stage listVersions()
    {
        return Stage.named("listVersions", call -> {
            int id = call.request(ModuleVersionsRequest.class).getModuleId();
            var versions = catalog.modules().versions(id);
            if (versions.isEmpty() && catalog.modules().find(id).isEmpty()) {
                throw notFound(id);
            }
            List<ModuleVersionInfo> infos = new ArrayList<>();
            for (var version : versions) {
                ModuleVersionInfo info = new ModuleVersionInfo(version.version(), version.at().toEpochMilli(), version.actor(), version.action(),
                        version.summary());
                version.definition().ifPresent(info::setDefinition);
                infos.add(info);
            }
            call.setReply(new ModuleVersionsReply(infos));
        });
    }

    /** Makes the module what it was after an earlier version, as a new version. */
    public Stage rollback()
    {
        return Stage.named("rollback", call -> {
            ModuleRollbackRequest request = call.request(ModuleRollbackRequest.class);
            changed(call, change(() -> catalog.modules().rollback(request.getModuleId(), request.getToVersion(), request.getExpectedVersion(),
                    actor(call))));
        });
    }

    /**
     * Checks a draft module file and renders it as the run page would, with the argument vector the sample values
     * give (secret values masked). Saves nothing, runs nothing.
     */
    public Stage preview()
    {
        return Stage.named("preview", call -> {
            ModulePreviewRequest request = call.request(ModulePreviewRequest.class);
            if (request.getParamsSize() > MAX_PREVIEW_PARAMS) {
                throw new Refusal(ErrorCode.INVALID_REQUEST, "at most " + MAX_PREVIEW_PARAMS + " sample values; the module has fewer parameters");
            }
            ModuleSource source = read(request.getDefinition());
            ModuleDefinition draft = new ModuleDefinition(source.id(), source.name(), source.caption(), source.legacyExtend(), source.backend(),
                    ModuleFiles.effectiveParams(source.params(), source.legacyExtend()), source.command(),
                    java.time.Duration.ofSeconds(source.timeoutSeconds()), source.needsRoot(), source.enabled(), source.shell(),
                    source.maxParallel(), 0);
            ModulePreviewReply reply = new ModulePreviewReply(Replies.module(draft), new ArrayList<>());
            try {
                ValidatedParams params = draft.validate(request.getParams());
                if (!draft.argvTemplate().isEmpty()) {
                    reply.setArgv(new ArrayList<>(draft.render(masked(draft, params))));
                }
            }
            catch (ParameterException e) {
                reply.setProblems(new ArrayList<>(e.problems()));
            }
            call.setReply(reply);
        });
    }

    /** The validated values with every SECRET value replaced by the mask, so a preview never echoes a secret. */
    private static ValidatedParams masked(ModuleDefinition module, ValidatedParams params)
    {
        Map<String, String> values = new HashMap<>(params.values());
        for (ParamSpec spec : module.params()) {
            if (spec.type() == ParamType.SECRET && values.containsKey(spec.name())) {
                values.put(spec.name(), ParamValidator.MASK);
            }
        }
        return new ValidatedParams(values, params.shown());
    }

    private static ModuleSource read(String definition)
            throws Refusal
    {
        try {
            return ModuleFiles.read(definition);
        }
        catch (InvalidModuleException e) {
            throw invalid(e);
        }
    }

    private static void changed(Call call, ModuleChange change)
    {
        call.setModuleId(change.moduleId());
        call.setDetail("version " + change.version() + ": " + change.summary());
        call.setReply(new ModuleChangeReply(change.moduleId(), change.version(), change.summary()));
    }

    private static String actor(Call call)
    {
        return call.requirePrincipal().username();
    }

    private static Refusal notFound(int id)
    {
        return new Refusal(ErrorCode.NOT_FOUND, "module " + id + " does not exist; list the catalog to find its id");
    }

    private static Refusal invalid(InvalidModuleException e)
    {
        return new Refusal(ErrorCode.INVALID_REQUEST, "invalid module definition: " + String.join("; ", e.problems()));
    }

    private static ModuleChange change(CatalogChange change)
            throws Refusal
    {
        try {
            return change.run();
        }
        catch (InvalidModuleException e) {
            throw invalid(e);
        }
        catch (ModuleChangeException e) {
            throw new Refusal(switch (e.reason()) {
                case NOT_FOUND -> ErrorCode.NOT_FOUND;
                case CONFLICT, INVALID -> ErrorCode.INVALID_REQUEST;
            }, e.getMessage());
        }
    }

    @FunctionalInterface
    private interface CatalogChange
    {
        ModuleChange run()
                throws ModuleChangeException, InvalidModuleException;
    }
}
