/**
 * The executor SPI: how the master runs one invocation on one host, whatever the transport.
 *
 * <p>A backend ships an {@link org.omserver.executor.api.ExecutorFactory} found with
 * {@link java.util.ServiceLoader}. The master hands each {@link org.omserver.executor.api.Executor}
 * an {@link org.omserver.executor.api.Invocation} (an argument vector, never a shell line) and an
 * {@link org.omserver.executor.api.EventSink}; the executor reports started, output chunks and exactly
 * one finish with a {@link org.omserver.executor.api.HostResult}. Remote failures are values with a
 * {@link org.omserver.executor.api.FailureReason}, never exceptions. This module depends on the JDK only.
 */
package org.omserver.executor.api;
