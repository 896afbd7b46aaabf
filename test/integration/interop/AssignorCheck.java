// The Java client's own assignors over groups read from stdin, for
// test/integration/test_assignor_interop.c. One JVM for many groups.
//
//   group <range|roundrobin|cooperative-sticky> <ntopics> <nmembers>
//   topic <name> <partitions>                                   (ntopics lines)
//   member <id> <instance|-> <generation|-> <n> <topic>... <k> <topic:partition>...
// answers, per group, one line per member in input order and "end":
//   result <id> <topic:partition>...                            (sorted)
// or, when the Java assignor throws, "error <exception>" and "end".
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

public class AssignorCheck {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = { node };
        String line;
        while ((line = in.readLine()) != null) {
            String[] g = line.split(" ");
            if (!g[0].equals("group"))
                throw new IllegalStateException("expected group: " + line);
            int nt = Integer.parseInt(g[2]), nm = Integer.parseInt(g[3]);
            List<PartitionInfo> parts = new ArrayList<>();
            for (int i = 0; i < nt; i++) {
                String[] t = in.readLine().split(" ");
                for (int p = 0; p < Integer.parseInt(t[2]); p++)
                    parts.add(new PartitionInfo(t[1], p, node, nodes, nodes));
            }
            Cluster cluster = new Cluster("c", List.of(node), parts, Set.of(), Set.of());
            Map<String, Subscription> subs = new LinkedHashMap<>();
            for (int i = 0; i < nm; i++) {
                String[] m = in.readLine().split(" ");
                int k = 4, n = Integer.parseInt(m[k++]);
                List<String> topics = new ArrayList<>();
                for (int j = 0; j < n; j++)
                    topics.add(m[k++]);
                List<TopicPartition> owned = new ArrayList<>();
                n = Integer.parseInt(m[k++]);
                for (int j = 0; j < n; j++) {
                    String tp = m[k++];
                    int c = tp.lastIndexOf(':');
                    owned.add(new TopicPartition(tp.substring(0, c), Integer.parseInt(tp.substring(c + 1))));
                }
                Subscription s = m[3].equals("-")
                    ? new Subscription(topics, null, owned)
                    : new Subscription(topics, null, owned, Integer.parseInt(m[3]), Optional.empty());
                if (!m[2].equals("-"))
                    s.setGroupInstanceId(Optional.of(m[2]));
                subs.put(m[1], s);
            }
            ConsumerPartitionAssignor a = g[1].equals("range") ? new RangeAssignor()
                : g[1].equals("roundrobin") ? new RoundRobinAssignor() : new CooperativeStickyAssignor();
            Map<String, ConsumerPartitionAssignor.Assignment> res;
            try {
                res = a.assign(cluster, new GroupSubscription(subs)).groupAssignment();
            } catch (RuntimeException e) {
                out.println("error " + e);
                out.println("end");
                continue;
            }
            for (String id : subs.keySet()) {
                List<TopicPartition> l = new ArrayList<>(res.get(id).partitions());
                l.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
                StringBuilder sb = new StringBuilder("result ").append(id);
                for (TopicPartition tp : l)
                    sb.append(' ').append(tp.topic()).append(':').append(tp.partition());
                out.println(sb);
            }
            out.println("end");
        }
        out.flush();
    }
}
