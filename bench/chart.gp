# bench/chart.gp - the chart of bench/run.sh: msgs/s and CPU seconds per
# million messages per workload, one bar per client. Called with
#   gnuplot -e "datafile='...'; outfile='...'" bench/chart.gp
set terminal pngcairo size 1200,800 font "sans,10" noenhanced
set output outfile
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xtics rotate by -30 left
set multiplot layout 2,1 title "samsa vs librdkafka vs Java (medians)"
set title "throughput (thousand messages/s, higher is better)"
set yrange [0:*]
plot datafile using 2:xtic(1) title "samsa" lc rgb "#2a7ab0", \
     ''       using 3 title "librdkafka" lc rgb "#d9822b", \
     ''       using 4 title "Java" lc rgb "#7a7a7a"
set title "client CPU seconds per million messages (lower is better, log scale)"
set logscale y
set yrange [0.1:*]
plot datafile using 5:xtic(1) title "samsa" lc rgb "#2a7ab0", \
     ''       using 6 title "librdkafka" lc rgb "#d9822b", \
     ''       using 7 title "Java" lc rgb "#7a7a7a"
unset multiplot
