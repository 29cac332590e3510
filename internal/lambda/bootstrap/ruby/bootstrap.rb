# frozen_string_literal: true

# gureum's Lambda runtime client for Ruby, behaving like AWS's aws_lambda_ric:
# it loads the handler named by _HANDLER ("file.method" or
# "file.Module::Class.method") from LAMBDA_TASK_ROOT, then serves
# invocations from the Runtime API, calling handler(event:, context:).
#
# It runs with --disable-gems and speaks HTTP on a plain socket: RubyGems
# and net/http cost 80 ms at every cold start. RubyGems is loaded before
# the function when the package (or a layer) has gems, and when loading the
# function fails without it.

require 'json'
require 'socket'

$stdout.sync = true
$stderr.sync = true

module GureumLambda
  PREFIX = '/2018-06-01/runtime'

  # Loads RubyGems (the runtime starts without it), as Lambda's Ruby has it.
  def self.load_rubygems
    return false if defined?(::Gem)

    require 'rubygems'
    true
  end

  # An error as AWS's Ruby runtime reports it.
  class LambdaError < StandardError
    attr_reader :error_type, :stack_trace

    def initialize(error_type, message, stack_trace = [])
      super(message)
      @error_type = error_type
      @stack_trace = stack_trace
    end

    def to_lambda_response
      { errorMessage: message, errorType: error_type, stackTrace: stack_trace }
    end
  end

  def self.from_exception(prefix, e)
    LambdaError.new("#{prefix}<#{e.class}>", e.message, e.backtrace || [])
  end

  # The context passed to handlers, as aws_lambda_ric's LambdaContext.
  class LambdaContext
    attr_reader :aws_request_id, :invoked_function_arn, :log_group_name,
                :log_stream_name, :function_name, :memory_limit_in_mb,
                :function_version, :identity, :tenant_id, :client_context, :deadline_ms

    def initialize(request)
      # request: a Response, headers by name
      @clock_diff = Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond) - Process.clock_gettime(Process::CLOCK_MONOTONIC, :millisecond)
      @deadline_ms = request['Lambda-Runtime-Deadline-Ms'].to_i
      @aws_request_id = request['Lambda-Runtime-Aws-Request-Id']
      @invoked_function_arn = request['Lambda-Runtime-Invoked-Function-Arn']
      @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
      @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
      @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
      @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
      @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
      @tenant_id = request['Lambda-Runtime-Aws-Tenant-Id']
      @identity = parse(request['Lambda-Runtime-Cognito-Identity'])
      @client_context = parse(request['Lambda-Runtime-Client-Context'])
    end

    def get_remaining_time_in_millis
      now = Process.clock_gettime(Process::CLOCK_MONOTONIC, :millisecond) + @clock_diff
      remaining = @deadline_ms - now
      remaining.positive? ? remaining : 0
    end

    private

    def parse(header)
      return nil if header.nil? || header.empty?

      JSON.parse(header)
    rescue JSON::ParserError
      nil
    end
  end

  # The handler named by _HANDLER.
  class Handler
    def initialize(env_handler, task_root)
      parts = env_handler.to_s.split('.')
      unless parts.size == 2 || parts.size == 3
        raise LambdaError.new('Init<ArgumentError>',
                              "Invalid handler #{parts}, must be of form FILENAME.METHOD or FILENAME.CLASS.METHOD where FILENAME corresponds with an existing Ruby source file FILENAME.rb, CLASS is an optional module/class namespace and METHOD is a callable method. If using CLASS, METHOD must be a class-level method.")
      end
      @file = parts[0]
      @class_name = parts.size == 3 ? parts[1] : nil
      @method = parts[-1]
      path = File.join(task_root, @file)
      begin
        begin
          require path
        rescue LoadError, NameError
          raise unless GureumLambda.load_rubygems

          require path # retried with RubyGems
        end
      rescue ScriptError, StandardError => e
        # LoadError, SyntaxError, NameError at the file's top level...
        raise GureumLambda.from_exception('Init', e)
      end
      @receiver = if @class_name
                    begin
                      Object.const_get(@class_name)
                    rescue NameError => e
                      raise GureumLambda.from_exception('Init', e)
                    end
                  else
                    TOPLEVEL_BINDING.receiver
                  end
      return if @receiver.respond_to?(@method, true)

      target = @class_name || 'main'
      raise LambdaError.new('Init<NameError>', "undefined method `#{@method}' for #{target}")
    end

    def call(event, context)
      @receiver.send(@method, event: event, context: context)
    end
  end

  # A response of the Runtime API.
  Response = Struct.new(:status, :headers, :body) do
    def [](name)
      headers[name.downcase]
    end
  end

  def self.request(method, path, body = nil, error_type = nil)
    attempts = 0
    begin
      attempts += 1
      request_once(method, path, body, error_type)
    rescue IOError, SystemCallError
      @sock&.close
      @sock = nil
      raise if attempts > 1

      retry # a stale kept-alive connection
    end
  end

  def self.request_once(method, path, body, error_type)
    host, _, port = ENV.fetch('AWS_LAMBDA_RUNTIME_API').rpartition(':')
    @sock ||= TCPSocket.new(host.delete('[]'), port.to_i).tap do |s|
      s.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1)
    end
    head = +"#{method} #{PREFIX}#{path} HTTP/1.1\r\nHost: #{ENV['AWS_LAMBDA_RUNTIME_API']}\r\n"
    if body
      body = body.b
      head << "Content-Type: application/json\r\nContent-Length: #{body.bytesize}\r\n"
      head << "Lambda-Runtime-Function-Error-Type: #{error_type.delete("\r\n")}\r\n" if error_type
    end
    head << "\r\n"
    @sock.write(body ? head.b + body : head)
    status = @sock.gets("\r\n") or raise IOError, 'connection closed'
    headers = {}
    while (line = @sock.gets("\r\n")) && line != "\r\n"
      k, v = line.split(':', 2)
      headers[k.strip.downcase] = v.to_s.strip
    end
    data = if headers['transfer-encoding'].to_s.downcase.include?('chunked')
             out = +''
             loop do
               n = @sock.gets("\r\n").to_i(16)
               if n.zero?
                 @sock.gets("\r\n")
                 break
               end
               out << @sock.read(n)
               @sock.read(2)
             end
             out
           else
             @sock.read(headers['content-length'].to_i)
           end
    if headers['connection'].to_s.downcase == 'close'
      @sock.close
      @sock = nil
    end
    Response.new(status.split(' ')[1].to_i, headers, data.force_encoding('UTF-8'))
  end

  def self.post(path, body, error_type = nil)
    request('POST', path, body, error_type)
  end

  def self.log_error(err)
    $stdout.puts(JSON.generate(err.to_lambda_response))
  end

  def self.run
    task_root = ENV['LAMBDA_TASK_ROOT'] || '/var/task'
    $LOAD_PATH.unshift(task_root) unless $LOAD_PATH.include?(task_root)
    gems = ENV['GEM_PATH'].to_s.split(':') + [File.join(task_root, 'Gemfile')]
    load_rubygems if gems.any? { |p| File.exist?(p) }
    begin
      handler = Handler.new(ENV['_HANDLER'], task_root)
    rescue LambdaError => e
      log_error(e)
      post('/init/error', JSON.generate(e.to_lambda_response), e.error_type)
      exit!(1)
    rescue Exception => e # rubocop:disable Lint/RescueException
      err = from_exception('Init', e)
      log_error(err)
      post('/init/error', JSON.generate(err.to_lambda_response), err.error_type)
      exit!(1)
    end
    loop do
      res = request('GET', '/invocation/next')
      id = res['Lambda-Runtime-Aws-Request-Id']
      ENV['_X_AMZN_TRACE_ID'] = res['Lambda-Runtime-Trace-Id'] if res['Lambda-Runtime-Trace-Id']
      begin
        event = JSON.parse(res.body)
        result = handler.call(event, LambdaContext.new(res))
        body = JSON.generate(result, quirks_mode: true)
      rescue StandardError, ScriptError, SystemStackError, NoMemoryError => e
        err = from_exception('Function', e)
        log_error(err)
        post("/invocation/#{id}/error", JSON.generate(err.to_lambda_response), err.error_type)
        next
      end
      post("/invocation/#{id}/response", body)
    end
  end
end

GureumLambda.run
