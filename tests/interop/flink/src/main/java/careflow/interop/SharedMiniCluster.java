package careflow.interop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.messages.webmonitor.ClusterOverview;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One in-process MiniCluster for every job of a run. Flink's local environment starts and stops a
 * MiniCluster per job (about a second of CPU each, most of a small query's cost); here the
 * environments of all sessions submit to this one instead. Each query is still its own job with
 * its own state; the harness runs one job at a time and {@link #awaitIdle} waits until the last
 * one has left the cluster and returned its slot before the next is submitted.
 */
final class SharedMiniCluster implements PipelineExecutorServiceLoader {
    private static final String TARGET = "careflow-shared-minicluster";
    /** One slot is all a job of parallelism 1 takes; a spare keeps a late slot release from stalling. */
    private static final int SLOTS = 2;

    private final MiniCluster cluster;

    /** @param base the sessions' configuration: the cluster takes it too (restart strategy, buffer timeout). */
    SharedMiniCluster(Configuration base) throws Exception {
        Configuration conf = new Configuration(base);
        conf.set(RestOptions.BIND_PORT, "0"); // other MiniClusters may run on this machine
        // Finished jobs are not looked at again once their result was read.
        conf.set(JobManagerOptions.JOB_STORE_MAX_CAPACITY, 16);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(SLOTS)
                .build());
        cluster.start();
    }

    /** A streaming environment of parallelism 1 whose jobs go to this cluster. */
    StreamExecutionEnvironment environment(Configuration conf) {
        Configuration c = new Configuration(conf);
        c.set(DeploymentOptions.TARGET, TARGET);
        c.set(DeploymentOptions.ATTACHED, true);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(this, c, SharedMiniCluster.class.getClassLoader());
        env.setParallelism(1);
        return env;
    }

    /**
     * Waits until no job runs and every slot is free again: a cancelled job's tasks must not
     * still touch the harness's feed, nor hold the slot, when the next job starts.
     *
     * @return false if that did not happen within the timeout
     */
    boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            try {
                ClusterOverview o = cluster.requestClusterOverview().get(timeoutMillis, TimeUnit.MILLISECONDS);
                if (o.getNumJobsRunningOrPending() == 0 && o.getNumSlotsAvailable() == o.getNumSlotsTotal()) {
                    return true;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                return false;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return TARGET;
            }

            @Override
            public boolean isCompatibleWith(Configuration c) {
                return TARGET.equals(c.get(DeploymentOptions.TARGET));
            }

            @Override
            public PipelineExecutor getExecutor(Configuration c) {
                return SharedMiniCluster.this::submit;
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(TARGET);
    }

    private CompletableFuture<JobClient> submit(
            org.apache.flink.api.dag.Pipeline pipeline, Configuration conf, ClassLoader classLoader) throws Exception {
        var jobGraph = PipelineExecutorUtils.getJobGraph(pipeline, conf, classLoader);
        return cluster.submitJob(jobGraph).thenApply(submitted -> new MiniClusterJobClient(
                submitted.getJobID(), cluster, classLoader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
}
