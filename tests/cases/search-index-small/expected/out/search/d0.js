rbcSearchPart("d",0,[
["Replication lag","db-lag.html","orders-db","The replica falls behind the primary.",["Replication lag","Diagnosis"],[],["pteam-data","pZoë Ångström","mpg_replication_lag_seconds","cpg_stat_replication","ckubectl -n orders rollout undo deploy/orders-api","cpsql -c \"select * from pg_stat_replication;\""]],
["复制延迟","lag-zh.html","","主库写入过多时，从库复制延迟会升高。请执行 pg_ctl promote。",["复制延迟"],[],["cpg_ctl promote"]]]);
