# Erlang distribution on loopback, the same two workloads as bench/nats/run.ts:
# sequential round trips between two nodes, and 32 ping-pong pairs in flight.
# Run by bench/nats/run.ts (or by hand: elixir --sname bench_a erlang.exs <seq_n> <pairs> <per_pair>).
# Starts node bench_b with OTP's :peer, loads the compiled echo module there, prints one JSON line.
[seq_n, pairs, per_pair] = Enum.map(System.argv(), &String.to_integer/1)

[{mod, bin}] =
  Code.compile_string("""
  defmodule BenchEcho do
    def loop do
      receive do
        {from, n} -> send(from, n); loop()
        :stop -> :ok
      end
    end

    def ping(_echo, 0), do: :ok

    def ping(echo, n) do
      send(echo, {self(), n})

      receive do
        ^n -> ping(echo, n - 1)
      end
    end
  end
  """)

{:ok, _peer, node} = :peer.start_link(%{name: :bench_b})
{:module, ^mod} = :rpc.call(node, :code, :load_binary, [mod, ~c"nofile", bin])

# the pinger is compiled too (a fn in this script would run in the interpreter)
ping = &BenchEcho.ping/2

# warm up
echo = Node.spawn(node, BenchEcho, :loop, [])
ping.(echo, 2000)

t0 = System.monotonic_time(:microsecond)
ping.(echo, seq_n)
seq_us = System.monotonic_time(:microsecond) - t0

echos = for _ <- 1..pairs, do: Node.spawn(node, BenchEcho, :loop, [])
me = self()
t1 = System.monotonic_time(:microsecond)
for e <- echos, do: spawn(fn -> ping.(e, per_pair); send(me, :done) end)
for _ <- echos, do: (receive do :done -> :ok end)
par_us = System.monotonic_time(:microsecond) - t1

IO.puts(
  ~s({"seqRoundTripUs":#{Float.round(seq_us / seq_n, 2)},"seqPerSec":#{round(seq_n * 1_000_000 / seq_us)},) <>
    ~s("pairs":#{pairs},"parPerSec":#{round(pairs * per_pair * 1_000_000 / par_us)}})
)
